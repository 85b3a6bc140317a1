"""Signed links in a candidate's e-mails: one way to make them and to open them.

A link is a signed, timestamped token naming what it opens; each kind of link has its own salt, so
a signature made for anything else never opens it, and its own maximum age. Whoever opens one acts
as a `LinkActor` for its candidate, held to the rules the link's app registered
(docs/architecture.md, "Signed links"). The apps define their links and what each opens.
"""

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext

from hrsuite.errors import ApplicationError, NotFound
from hrsuite.permissions import LinkActor


class LinkClosed(ApplicationError):
    """A genuine link that opens nothing any more (410); the page says why by `code`, in the
    candidate's `language` ("" when unknown)."""

    status_code = 410

    def __init__(self, message: str, *, language: str = ""):
        super().__init__(message)
        self.language = language


class LinkExpired(LinkClosed):
    """Older than its link's max age; the language is the candidate's while the signature was genuine."""

    code = "link_expired"


def link_actor(candidate_id, *, link: str) -> LinkActor:
    """Who acts through the candidate's `link` (a link kind its app registered with `hrsuite.permissions`)."""
    return LinkActor(candidate_id=uuid.UUID(str(candidate_id)), link=link)


Opened = TypeVar("Opened")


@dataclass(frozen=True)
class SignedLink:
    salt: str
    max_age: timedelta
    page: str  # the address is /portal/<page>/<token>/


def link_sign(link: SignedLink, *, payload: dict[str, str]) -> str:
    """A fresh signed token over `payload` under the link's salt (timestamped now)."""
    return signing.dumps(payload, salt=link.salt)


def link_address(link: SignedLink, *, token: str) -> str:
    return f"{settings.HRSUITE_PUBLIC_URL.rstrip('/')}/portal/{link.page}/{token}/"


def link_resolve(
    link: SignedLink, *, token: str, resolve: Callable[[dict], Opened], language_of: Callable[[Opened], str]
) -> Opened:
    """What a signed link opens: `resolve` turns a genuine payload into its object or raises
    NotFound. Unknown, tampered, signed for another link or mismatched: NotFound (404); older than
    the link's max age: LinkExpired (410), in the language `language_of` reads from the object."""
    try:
        payload = signing.loads(token, salt=link.salt, max_age=link.max_age)
    except signing.SignatureExpired:
        language = ""
        # The signature is genuine, only old: its candidate may still read why, in their language.
        with contextlib.suppress(signing.BadSignature, NotFound):
            language = language_of(resolve(signing.loads(token, salt=link.salt)))
        raise LinkExpired(gettext("This link has expired."), language=language) from None
    except (signing.BadSignature, ValueError):
        raise NotFound(gettext("This link is not valid.")) from None
    if not isinstance(payload, dict):
        raise NotFound(gettext("This link is not valid."))
    return resolve(payload)


def payload_uuid(payload: dict, key: str) -> uuid.UUID:
    """The id a genuine payload names under `key`; NotFound when it names none (not made by us)."""
    try:
        return uuid.UUID(str(payload[key]))
    except (TypeError, KeyError, ValueError):
        raise NotFound(gettext("This link is not valid.")) from None
