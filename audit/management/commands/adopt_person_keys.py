"""`manage.py adopt_person_keys`: seals the personal data still under the keyring under each
person's own key (docs/architecture.md, "Person keys").

Data written before person keys existed is sealed under the keyring. This command walks every
table that holds someone's personal data, in batches by key, and seals each such value again
under its person's key, which it makes where the person has none. Each batch is one
transaction, and a value is written only if it is still the one read (compare-and-set), so the
command can run while the suite serves, be stopped at any point, and be run again: it picks up
what is left, and a second run over adopted data changes nothing.
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.management.commands.rotate_keys import encrypted_fields
from audit.models import AuditAction
from audit.services import audit_record
from hrsuite import crypto, persons
from hrsuite.fields import Ciphertext, Sealed

ACTOR = "system:adopt_person_keys"


class Command(BaseCommand):
    help = "Seal the personal data still under the keyring under each person's own key; resumable."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (500).")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        ring = crypto.keyring()
        adopted_in_all = 0
        for model, fields in encrypted_fields():
            if not persons.holds_personal_data(model):
                continue
            adopted, erased = Counter(), Counter()
            try:
                self._adopt_model(model, fields, adopted, erased, ring=ring, batch_size=batch_size)
            finally:
                # Batches committed before a failure are recorded too: no change goes unaudited.
                if adopted:
                    audit_record(
                        actor=ACTOR,
                        action=AuditAction.UPDATE,
                        target_type=model._meta.label_lower,
                        changed_fields=adopted.keys(),
                        # Counts only: never a value, not even an encrypted one.
                        detail={"sealed_for_persons": dict(adopted)},
                    )
            label = model._meta.label_lower
            for field in fields:
                line = f"{label}.{field.name}: {adopted[field.name]} values sealed under their person's key"
                if erased[field.name]:
                    line += f", {erased[field.name]} of erased persons left as they were"
                self.stdout.write(line)
            adopted_in_all += sum(adopted.values())
        self.stdout.write(self.style.SUCCESS(f"{adopted_in_all} values sealed under their person's key."))

    def _adopt_model(self, model, fields, adopted, erased, *, ring, batch_size) -> None:
        manager = model._base_manager
        attnames = [field.attname for field in fields]
        last_pk = None
        while True:
            with transaction.atomic():
                rows = manager.order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                # Raw tokens: values_list gives Ciphertext, never decrypted values.
                batch = list(rows.values_list("pk", model.data_subject, *attnames)[:batch_size])
                if not batch:
                    return
                last_pk = batch[-1][0]
                pending = [
                    (pk, persons.hex_of(person), tokens)
                    for pk, person, *tokens in batch
                    if person is not None and any(_under_ring(token) for token in tokens)
                ]
                keys = persons.sealing_keys({person for _pk, person, _tokens in pending})
                for pk, person, tokens in pending:
                    change = {}
                    for field, token in zip(fields, tokens, strict=True):
                        if not _under_ring(token):
                            continue
                        if keys[person] is None:
                            erased[field.name] += 1
                            continue
                        aad = field.aad_for(pk)
                        try:
                            plaintext = crypto.decrypt(token, aad=aad, ring=ring)
                        except crypto.DecryptionError as exc:
                            raise CommandError(
                                f"{model._meta.label_lower}.{field.name} of row {pk} cannot be decrypted: "
                                f"{exc} Nothing of its batch was written; earlier batches are adopted."
                            ) from exc
                        # The exact plaintext, not decode()/seal(): a typed field's round trip
                        # must not change what is stored.
                        sealed = crypto.encrypt_for_person(
                            plaintext, aad=aad, person=person, key=keys[person]
                        )
                        change[field] = (token, Sealed(sealed))
                    if not change:
                        continue
                    # Compare-and-set on the tokens read: a value rewritten meanwhile (by a save,
                    # under the person's key already) is left as it was written.
                    written = manager.filter(
                        pk=pk, **{field.attname: old for field, (old, _new) in change.items()}
                    ).update(**{field.attname: new for field, (_old, new) in change.items()})
                    if written:
                        adopted.update(field.name for field in change)


def _under_ring(token) -> bool:
    return isinstance(token, Ciphertext) and crypto.person_of(token) is None
