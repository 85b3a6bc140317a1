"""`manage.py audit_verify`: walks the chain and reports the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit trail's HMAC chain and report the first broken link."

    def handle(self, *args, **options):
        checked, broken = audit_verify()
        if broken:
            raise CommandError(
                f"Audit chain broken at event #{broken.seq}: {broken.reason} ({checked} verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
