"""`manage.py integration_token NAME --scope assess_interviews`: a scoped API token for an outside system."""

from django.core.management.base import BaseCommand, CommandError

from hrsuite.accounts.services import INTEGRATION_SCOPES, integration_create
from hrsuite.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create an integration service user with the given scopes and print its API token."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", required=True, choices=sorted(INTEGRATION_SCOPES))

    def handle(self, *args, name, scope, **options):
        try:
            user, token = integration_create(name=name, scopes=scope, actor="system:integration_token")
        except ValidationFailed as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from exc
        self.stdout.write(f"{user.username}: {token}")
