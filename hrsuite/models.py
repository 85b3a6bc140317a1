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


class ReceivedEvent(DomainModel):
    """One event an outside provider sent us (a video platform, a background-check service), kept
    so a replay or a duplicate delivery finds its row and changes nothing. Each app's table adds
    what the event is about and its (provider, event_id) uniqueness."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=40)
    received_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.provider}:{self.event_id} ({self.event_type})"
