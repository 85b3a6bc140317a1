"""Who sees and changes which accounts data without a global permission."""

from django.db.models import Q

from accounts.models import ApiToken
from hrsuite.permissions import object_policy


@object_policy(ApiToken)
def _api_tokens(user, action: str) -> Q | None:
    """Everyone sees and revokes their own tokens, and nobody else's: a token is its owner's
    credential, not hiring data. Read-only roles (HR admins) and integrations may revoke theirs
    too: ending a credential of one's own takes access away and changes no candidate data."""
    return Q(user=user) if action in ("view", "change") else None
