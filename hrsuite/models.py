"""Base classes shared by the domain models of every app."""

import uuid

from django.db import models


class DomainModel(models.Model):
    """Random UUID keys: known before the first save, so encrypted fields can be bound to their
    row, and not enumerable, so ids cannot be probed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
