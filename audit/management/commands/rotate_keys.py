"""`manage.py rotate_keys`: re-encrypts what is sealed with an older key of the keyring under its
primary key.

Put the new key first in HRSUITE_ENCRYPTION_KEYS (keeping the old ones after it), deploy, run this
command, and only then drop the old keys. It is safe to run again: values already under the primary
key are left as they are.

A person's data is sealed under their own key, which the keyring seals in turn (`hrsuite.persons`):
the command re-seals those keys, one row per person, and leaves the values sealed under them as
they are.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, router, transaction

from audit.models import AuditAction
from audit.services import audit_record
from hrsuite import crypto
from hrsuite.fields import Ciphertext, EncryptedTextField, Sealed

ACTOR = "system:rotate_keys"


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted columns, and those columns (typed subclasses included)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:  # its table is its concrete model's, walked on its own
            continue
        # Local fields only: a multi-table child's inherited columns live in (and are bound to)
        # the parent's table.
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


@dataclass
class FieldCount:
    values: int = 0  # encrypted values seen
    stale: int = 0  # under a key other than the primary
    rotated: int = 0  # re-encrypted and written
    skipped: int = 0  # changed by someone else between our read and our write


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value that is not under the primary key (the first in "
        "HRSUITE_ENCRYPTION_KEYS). Run it after putting a new key first; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        # One ring for the whole run, so a settings reload halfway cannot mix primaries.
        ring = crypto.keyring()
        self.stdout.write(
            f"Primary key: {ring.primary_id!r}{' (dry run: nothing is written)' if dry_run else ''}"
        )
        totals = FieldCount()
        for model, fields in encrypted_fields():
            counts = {field.name: FieldCount() for field in fields}
            try:
                self._rotate_model(model, fields, counts, ring=ring, batch_size=batch_size, dry_run=dry_run)
            finally:
                # Batches committed before a failure are recorded too: no change goes unaudited.
                if not dry_run:
                    self._audit(model, counts, ring=ring)
            for name, count in counts.items():
                self._report(model, name, count, dry_run=dry_run)
                totals.values += count.values
                totals.stale += count.stale
                totals.rotated += count.rotated
                totals.skipped += count.skipped
        if dry_run:
            summary = f"{totals.stale} of {totals.values} encrypted values would be re-encrypted."
        else:
            summary = f"{totals.rotated} of {totals.values} encrypted values re-encrypted."
            if totals.skipped:
                summary += f" {totals.skipped} changed meanwhile and were left as written: run again."
        self.stdout.write(self.style.SUCCESS(summary))

    def _rotate_model(self, model, fields, counts, *, ring, batch_size, dry_run) -> None:
        # The base manager: a default manager that hides rows (archived, soft-deleted) must not
        # hide them from rotation.
        manager = model._base_manager
        attnames = [field.attname for field in fields]
        last_pk = None
        while True:
            with transaction.atomic(using=router.db_for_write(model)):
                rows = manager.order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                # Raw tokens: values_list gives Ciphertext, never decrypted values.
                batch = list(rows.values_list("pk", *attnames)[:batch_size])
                if not batch:
                    return
                last_pk = batch[-1][0]
                # Everything is decrypted before anything is written, so a value that fails stops
                # the batch with nothing of it half-written.
                changes = [
                    (pk, change)
                    for pk, *tokens in batch
                    if (change := self._reseal_row(model, fields, pk, tokens, counts, ring, dry_run))
                ]
                for pk, change in changes:
                    # Compare-and-set on the tokens read: a value rewritten meanwhile (by a save
                    # with the new key) must not be overwritten with our re-encryption of the old.
                    written = manager.filter(
                        pk=pk, **{field.attname: old for field, (old, _new) in change.items()}
                    ).update(**{field.attname: new for field, (_old, new) in change.items()})
                    for field in change:
                        if written:
                            counts[field.name].rotated += 1
                        else:
                            counts[field.name].skipped += 1

    def _reseal_row(self, model, fields, pk, tokens, counts, ring, dry_run) -> dict:
        change = {}
        for field, token in zip(fields, tokens, strict=True):
            if not isinstance(token, Ciphertext) or crypto.person_of(token):
                continue  # nothing encrypted (empty or NULL), or sealed under a person's key
            count = counts[field.name]
            count.values += 1
            try:
                if crypto.key_id_of(token) == ring.primary_id:
                    continue
                count.stale += 1
                if dry_run:
                    continue
                aad = field.aad_for(pk)
                plaintext = crypto.decrypt(token, aad=aad, ring=ring)
            except crypto.DecryptionError as exc:
                raise CommandError(
                    f"{model._meta.label_lower}.{field.name} of row {pk} cannot be decrypted: {exc} "
                    "Nothing of its batch was written; earlier batches are re-encrypted and stay readable."
                ) from exc
            # The exact plaintext is sealed again rather than decode()/seal(): a typed field's
            # round trip (JSON null, say) must not change what is stored.
            change[field] = (token, Sealed(crypto.encrypt(plaintext, aad=aad, ring=ring)))
        return change

    def _audit(self, model, counts, *, ring) -> None:
        rotated = {name: count.rotated for name, count in counts.items() if count.rotated}
        if not rotated:
            return
        audit_record(
            actor=ACTOR,
            action=AuditAction.UPDATE,
            target_type=model._meta.label_lower,
            changed_fields=rotated.keys(),
            # Counts and key ids only: never a value, not even an encrypted one.
            detail={"re_encrypted": rotated, "key_id": ring.primary_id},
        )

    def _report(self, model, name, count: FieldCount, *, dry_run) -> None:
        label = f"{model._meta.label_lower}.{name}"
        if dry_run:
            self.stdout.write(f"{label}: {count.stale} of {count.values} values would be re-encrypted")
            return
        line = f"{label}: {count.rotated} of {count.values} values re-encrypted"
        if count.skipped:
            line += f", {count.skipped} changed meanwhile"
        self.stdout.write(line)
