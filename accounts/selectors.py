"""Reads of accounts data through the permission choke point."""

from django.db.models import QuerySet

from accounts.models import ApiToken
from hrsuite.permissions import restrict


def api_tokens_for(*, user, action: str = "view") -> QuerySet[ApiToken]:
    """The tokens `user` may see (or `action`): their own."""
    return restrict(ApiToken.objects.all(), user=user, action=action)
