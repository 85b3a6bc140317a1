"""`manage.py integration_token NAME --scope assess_interviews [--days N]`: a scoped API token for
an outside system; for an integration that exists already, a further token (tokens expire)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import INTEGRATION_SCOPES, integration_create, integration_token_issue
from hrsuite.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Create an integration service user with the given scopes and print its API token; for an "
        "existing integration, print a further token (the scopes must be the ones it has)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", required=True, choices=sorted(INTEGRATION_SCOPES))
        parser.add_argument(
            "--days", type=int, default=None, help="Days the token is valid (default HRSUITE_API_TOKEN_DAYS)."
        )

    def handle(self, *args, name, scope, days, **options):
        issue = (
            integration_token_issue
            if User.objects.filter(username=f"integration:{name}").exists()
            else integration_create
        )
        try:
            user, token = issue(name=name, scopes=scope, days=days, actor="system:integration_token")
        except ValidationFailed as exc:
            raise CommandError(f"{exc.message} {exc.fields}") from exc
        self.stdout.write(f"{user.username}: {token}")
