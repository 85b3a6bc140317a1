"""API for HR admins: browse and filter the audit trail, and export it as CSV."""

import binascii
from base64 import b64decode, b64encode
from urllib import parse

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param

from audit import exports, selectors
from audit.models import AuditEvent
from audit.personal import personal_opened
from audit.selectors import TrailEvents, TrailMark, UnknownMark
from hrsuite.api import ModelOut, ScopedViewSet, reading_shown
from hrsuite.models import BIGINT_MAX


class AuditEventOut(ModelOut):
    # The candidate's values opened, or "erased" (`audit.personal`), never the sealed text.
    personal = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = exports.COLUMNS

    def get_personal(self, event) -> dict | str:
        return personal_opened([event]).get(event.pk, {})


class TrailCursor(CursorPagination):
    """Pages the trail in its reading order (`AuditEvent.objects.newest_first()`), along the same
    indexes as the trail page: no COUNT over a table that only grows, and pages that stay stable
    while events arrive and are chained. The cursor is DRF's opaque `cursor` parameter; what it
    holds is the event a page ended (or, for `previous`, began) with, a `TrailMark`, and the
    direction. A cursor that does not read as one, or names no event of the trail read, is
    "Invalid cursor" (404), as DRF answers."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset: TrailEvents, request, view=None):
        self.request, self.base_url = request, request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        mark, newer = self._decode(request.query_params.get(self.cursor_query_param))
        try:
            events = selectors.audit_trail_read(
                queryset, mark=mark, older=not newer, limit=self.page_size + 1
            )
        except UnknownMark:
            raise NotFound(self.invalid_cursor_message) from None
        more = len(events) > self.page_size
        events = events[-self.page_size :] if newer else events[: self.page_size]
        # Read older, there are newer events unless it started at the top; read newer, older ones
        # (where it came from).
        self._older = self._newer = None
        if events:
            if more or newer:
                self._older = TrailMark.of(events[-1])
            if (more and newer) or (mark is not None and not newer):
                self._newer = TrailMark.of(events[0])
        self.has_next, self.has_previous = self._older is not None, self._newer is not None
        if (self.has_next or self.has_previous) and self.template is not None:
            self.display_page_controls = True
        return events

    def get_next_link(self):
        return self._link(self._older, newer=False)

    def get_previous_link(self):
        return self._link(self._newer, newer=True)

    def _link(self, mark: TrailMark | None, *, newer: bool) -> str | None:
        if mark is None:
            return None
        tokens = {"s": mark.seq} if mark.seq is not None else {"i": mark.id}
        if newer:
            tokens["r"] = 1
        encoded = b64encode(parse.urlencode(tokens).encode("ascii")).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def _decode(self, encoded: str | None) -> tuple[TrailMark | None, bool]:
        """The mark and direction (newer?) a cursor holds; none: the top, going older."""
        if not encoded:
            return None, False
        try:
            text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(text, strict_parsing=True)
            values = {name: int(value) for name, (value,) in tokens.items()}
        except (binascii.Error, ValueError):  # not base64, not ASCII, not one integer a name
            raise NotFound(self.invalid_cursor_message) from None
        seq, pk, newer = (values.pop(name, None) for name in ("s", "i", "r"))
        place = seq if pk is None else pk
        # One place, by seq or by id, from 1 to what the key columns hold; "r" only as 1.
        if (
            values
            or None not in (seq, pk)
            or place is None
            or not 1 <= place <= BIGINT_MAX
            or newer not in (None, 1)
        ):
            raise NotFound(self.invalid_cursor_message)
        return TrailMark(seq=seq, id=pk), newer == 1


class AuditEventApi(ScopedViewSet):
    """The audit trail, newest first, for HR admins; `export` streams it as CSV."""

    queryset = AuditEvent.objects.none()
    serializer_class = AuditEventOut
    pagination_class = TrailCursor
    list_selector = staticmethod(selectors.audit_trail_for)
    detail_queryset = staticmethod(selectors.audit_event_detail_queryset)

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        trail = type(self).list_selector(user=self.request.user, filters=self.request.query_params)
        shown = self.get_serializer_class()
        return TrailEvents(
            chain=reading_shown(trail.chain, shown),
            pending=None if trail.pending is None else reading_shown(trail.pending, shown),
        )

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """CSV of the filtered trail; the export itself is an audit event."""
        return exports.audit_csv_response(
            user=request.user, filters=request.query_params, query=dict(request.query_params.items())
        )
