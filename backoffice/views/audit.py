"""The audit trail page for HR admins: filter, page through with a cursor, export, verify."""

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit import exports
from audit.models import AuditAction, AuditEvent
from audit.personal import ERASED, personal_opened
from audit.selectors import TrailEvents, TrailMark, UnknownMark, audit_trail_for, audit_trail_read
from audit.services import audit_list, audit_verify
from backoffice.selectors.candidate_file import candidate_id_found_by_email
from hrsuite.errors import ValidationFailed
from hrsuite.models import BIGINT_MAX
from hrsuite.pages import role_required
from hrsuite.roles import Role

PAGE_SIZE = 50
# The apps whose records the trail names, for the "record type" suggestions.
_AUDITED_APPS = ("accounts", "notifications", "candidates", "interviews", "onboarding", "privacy", "audit")
# The selector's filter names where the page's differ (the page asks for dates, it for instants).
_PAGE_FIELD = {"since": "date_from", "until": "date_to"}


class PagePosition(forms.CharField):
    """Where a page starts, as its links say: the event a page ended (or began) with, by its seq
    ("1234") when it was chained when shown, else by its id ("i5678")."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        number = text.removeprefix("i")
        if not number.isascii() or not number.isdigit() or not 1 <= int(number) <= BIGINT_MAX:
            raise forms.ValidationError(_("Not a page of the trail."))
        return TrailMark(id=int(number)) if text.startswith("i") else TrailMark(seq=int(number))


def _position(event: AuditEvent) -> str:
    mark = TrailMark.of(event)
    return str(mark.seq) if mark.seq is not None else f"i{mark.id}"


class TrailFilters(forms.Form):
    """Who, what, when, which candidate, which request; `before`/`after` is the page's cursor."""

    actor = forms.CharField(label=gettext_lazy("Who (user name)"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=gettext_lazy("What was done"),
        required=False,
        choices=[("", gettext_lazy("Any action")), *AuditAction.choices],
    )
    target_type = forms.CharField(label=gettext_lazy("Record type"), required=False, max_length=100)
    date_from = forms.DateField(label=gettext_lazy("From (date)"), required=False)
    date_to = forms.DateField(label=gettext_lazy("To (date)"), required=False)
    candidate = forms.UUIDField(label=gettext_lazy("Candidate ID"), required=False)
    request_id = forms.CharField(label=gettext_lazy("Request ID"), required=False, max_length=64)
    before = PagePosition(label=gettext_lazy("Page position"), required=False)
    after = PagePosition(label=gettext_lazy("Page position"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        if data.get("before") and data.get("after"):
            self.add_error("before", _("Give either a newer or an older page, not both."))
        return data

    def selector_filters(self, tz) -> dict:
        """The selector's filters: the dates become the instants the viewer's days begin and end."""
        data = self.cleaned_data
        filters = {name: data[name] for name in ("actor", "target_type", "request_id") if data.get(name)}
        if data.get("action"):
            filters["action"] = [data["action"]]
        if data.get("candidate"):
            filters["candidate"] = str(data["candidate"])
        if data.get("date_from"):
            filters["since"] = _day_start(data["date_from"], tz).isoformat()
        if data.get("date_to"):
            filters["until"] = _day_start(data["date_to"] + timedelta(days=1), tz).isoformat()
        return filters

    def add_selector_errors(self, error: ValidationFailed) -> None:
        for name, problems in error.fields.items():
            field = _PAGE_FIELD.get(name, name)
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)


@dataclass(frozen=True)
class TrailPage:
    """One page of events, newest first, with the positions of the pages either side (None: none)."""

    events: list[AuditEvent]
    newer_than: str | None
    older_than: str | None


@require_GET
@role_required(Role.HR_ADMIN)
def trail(request):
    return _trail_page(request, request.GET)


@require_GET
@role_required(Role.HR_ADMIN)
def export(request):
    """The filtered trail as CSV (every page of it, not only the one shown), audited as an export."""
    form = TrailFilters(request.GET)
    if form.is_valid():
        query = {k: v for k, v in request.GET.items() if k not in ("before", "after")}
        try:
            return exports.audit_csv_response(
                user=request.user, filters=form.selector_filters(timezone.get_current_timezone()), query=query
            )
        except ValidationFailed as error:
            form.add_selector_errors(error)
    return _trail_page(request, request.GET, form=form)


@require_POST
@role_required(Role.HR_ADMIN)
def find_candidate(request):
    """Filter by a candidate's e-mail: looked up through the blind index and replaced by their
    id, so the address appears in no URL, server log or audit event."""
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    email = request.POST.get("email", "").strip()
    try:
        found = candidate_id_found_by_email(user=request.user, email=email, page=reverse("hr-audit"))
    except ValidationFailed as error:
        return _trail_page(request, query, email=email, email_error=error.message)
    for name in ("candidate", "before", "after"):
        query.pop(name, None)
    query["candidate"] = str(found)
    return redirect(f"{reverse('hr-audit')}?{query.urlencode()}")


@require_POST
@role_required(Role.HR_ADMIN)
def verify(request):
    """Walk the whole HMAC chain now (a read: nothing changes) and say whether it is intact."""
    checked, broken = audit_verify()
    request.session["audit_verified"] = {
        "at": timezone.now().isoformat(),
        "checked": checked,
        "broken_at": broken.seq if broken else None,
        "reason": broken.reason if broken else "",
    }
    if broken:
        messages.error(
            request,
            _("The audit trail is broken at event #%(seq)s: %(reason)s.")
            % {"seq": broken.seq, "reason": broken.reason},
        )
    else:
        messages.success(
            request, _("The audit trail is intact: %(count)s events verified.") % {"count": checked}
        )
    query = request.POST.get("query", "")
    return redirect(f"{reverse('hr-audit')}{'?' + query if query else ''}")


def _trail_page(request, data: QueryDict, *, form=None, email: str = "", email_error: str = ""):
    """The page for filters `data`: one `list` event with the ids shown, or the form's errors (400)."""
    form = form or TrailFilters(data)
    page = None
    if form.is_valid():
        try:
            trail = audit_trail_for(
                user=request.user, filters=form.selector_filters(timezone.get_current_timezone())
            )
        except ValidationFailed as error:
            form.add_selector_errors(error)
        else:
            try:
                page = _cursor_page(
                    trail, before=form.cleaned_data.get("before"), after=form.cleaned_data.get("after")
                )
            except UnknownMark:
                form.add_error("before", _("Not a page of the trail."))
        if page is not None:
            audit_list(
                actor=request.user,
                model=AuditEvent,
                ids=[event.pk for event in page.events],
                detail={"page": reverse("hr-audit"), "query": data.dict()},
            )
    filters = data.copy()
    for name in ("before", "after"):
        filters.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "rows": [_row(event) for event in page.events] if page else [],
        "query": filters.urlencode(),
        "filtered": any(value for key, value in filters.items()),
        "email": email,
        "email_error": email_error,
        "record_types": _record_types(),
        "verified": _last_verification(request),
        "page_size": PAGE_SIZE,
    }
    context["problems"] = [
        str(form.fields[name].label) if name in form.fields else _("the filters") for name in form.errors
    ] + ([_("the candidate's e-mail")] if email_error else [])
    status = 400 if context["problems"] else 200
    return render(request, "audit/trail.html", context, status=status)


def _cursor_page(trail: TrailEvents, *, before: TrailMark | None, after: TrailMark | None) -> TrailPage:
    """A page along the trail's reading order, never counted (the trail only grows, and a COUNT
    over it would grow with it), read as the API reads its pages (`audit_trail_read`): `after`
    the newer page above an event, `before` the older one below it. Events not chained yet are
    paged by id like the rest, however many, and none is shown twice or skipped when the chainer
    links them in between. Raises UnknownMark for a position that names no event of the trail."""
    if after is not None:
        rows = audit_trail_read(trail, mark=after, older=False, limit=PAGE_SIZE + 1)
        more_newer = len(rows) > PAGE_SIZE
        rows = rows[1:] if more_newer else rows  # newest first: the one more is the newest
        return TrailPage(
            events=rows,
            newer_than=_position(rows[0]) if more_newer else None,
            older_than=_position(rows[-1]) if rows else None,
        )
    rows = audit_trail_read(trail, mark=before, older=True, limit=PAGE_SIZE + 1)
    more_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return TrailPage(
        events=rows,
        # Reached by "older": the page it came from is newer than this one.
        newer_than=_position(rows[0]) if before is not None and rows else None,
        older_than=_position(rows[-1]) if more_older else None,
    )


# The colour of an action's badge: failures red, reads grey, exports amber, decisions and
# permission changes green; the other actions keep the default blue.
_ACTION_TONES = {
    AuditAction.LOGIN_FAILED: "bad",
    AuditAction.ACCESS_REFUSED: "bad",
    AuditAction.LIST: "neutral",
    AuditAction.VIEW: "neutral",
    AuditAction.EXPORT: "warn",
    AuditAction.DECISION: "ok",
    AuditAction.PERMISSION_GRANT: "ok",
    AuditAction.PERMISSION_REVOKE: "ok",
}


def _row(event: AuditEvent) -> dict:
    return {
        "event": event,
        "tone": _ACTION_TONES.get(event.action, ""),
        # A list event names up to a page of records: joined here, the ids are escaped as one
        # string, not one by one as the template's join filter does (most of the page's time).
        "ids": " ".join(map(str, event.target_ids or ())),
        "detail": json.dumps(event.detail, ensure_ascii=False, indent=1, sort_keys=True)
        if event.detail
        else "",
        "personal": _personal(event),
    }


def _personal(event: AuditEvent) -> str:
    """The candidate's values the event keeps (a reason they or HR gave, their own address), or
    "erased" once the candidate is; never the sealed text."""
    opened = personal_opened([event]).get(event.pk)
    if opened is None:
        return ""
    if opened == ERASED:
        return _("erased")
    return json.dumps(opened, ensure_ascii=False, indent=1, sort_keys=True)


def _record_types() -> list[str]:
    """Suggestions for the record type filter: the models events are about."""
    return sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.app_label in _AUDITED_APPS
        and not model._meta.model_name.endswith(("objectpermission", "chainhead"))
    )


def _last_verification(request) -> dict | None:
    verified = request.session.get("audit_verified")
    if not verified:
        return None
    return {**verified, "at": datetime.fromisoformat(verified["at"])}


def _day_start(day, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)
