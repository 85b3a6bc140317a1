"""Where the base records what the permission choke point lets through and refuses.

The audit app registers its trail here when it starts (docs/architecture.md, "Audit trail"), so the
base's audited reads (`object_get_for`, the API's and pages' lists) write their events without the
base importing the layer above it. With no trail registered, every audited read fails: a read that
would go unrecorded is never served.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class Trail:
    # One object read: `viewed(actor=, target=)`.
    viewed: Callable[..., object]
    # One list read, one event with the ids it returned: `listed(actor=, model=, ids=, detail=)`.
    listed: Callable[..., object]
    # The choke point refused an object or an act: `refused(actor=, target_type=, target_id=, action=)`.
    refused: Callable[..., object]


_registered: list[Trail] = []


def register(trail: Trail) -> None:
    _registered[:] = [trail]


def _trail() -> Trail:
    if not _registered:
        raise ImproperlyConfigured("No audit trail is registered: install the `audit` app.")
    return _registered[0]


def viewed(*, actor, target: models.Model) -> None:
    _trail().viewed(actor=actor, target=target)


def listed(*, actor, model: type[models.Model], ids: Iterable[object], detail: dict | None = None) -> None:
    _trail().listed(actor=actor, model=model, ids=ids, detail=detail)


def refused(*, actor, target_type: str, target_id: str = "", action: str) -> None:
    _trail().refused(actor=actor, target_type=target_type, target_id=target_id, action=action)
