"""Bias audits of the AI interview tools, and the rule that an AI interview needs a recent one
where the position's region asks for it (docs/architecture.md, "Fairness")."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from analytics.fairness import reports
from analytics.models import BiasAudit, FairnessResult
from analytics.services.fairness import tool_scope
from audit.models import AuditAction
from audit.services import audit_record
from candidates.models import Position
from hrsuite.errors import Conflict
from hrsuite.permissions import require
from interviews.models import Interview
from interviews.providers import names as providers_available

AUDIT_REQUIRED = "bias_audit_required"


def _first_used(provider: str):
    first = (
        Interview.objects.filter(provider=provider, kind=Interview.Kind.AI_VIDEO)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return first.date() if first else None


def source_description(*, provider: str, figures: dict, computed_at) -> str:
    unknown = figures["dimensions"]["sex"]["unknown"]["applicants"]
    return (
        f"Historical data of this employer: every application assessed by the AI interview tool "
        f"'{provider}' in hrsuite up to {computed_at:%Y-%m-%d} ({figures['applicants']} applicants). "
        f"Sex and race/ethnicity are the applicants' voluntary self-identification (EEO-1 categories "
        f"for US positions; sex only elsewhere). {unknown} applicants of unknown sex are not in the "
        f"sex impact ratios."
    )


@transaction.atomic
def bias_audit_make(*, provider: str, actor, today: datetime.date | None = None) -> BiasAudit:
    """A bias audit of `provider` from its latest computed figures, with its PDF and CSV, kept as
    made. A tool with no figures yet is a Conflict (409 `fairness_not_computed`) on `provider`."""
    require(actor, "add", BiasAudit)
    result = FairnessResult.objects.filter(scope=tool_scope(provider), computed_at__isnull=False).first()
    if result is None or not result.figures:
        message = gettext("The figures of this tool are not computed yet: ask for them and try again later.")
        raise Conflict(message, fields={"provider": [message]}, code="fairness_not_computed")
    today = today or timezone.localdate()
    figures, computed_at = result.figures, result.computed_at
    source = source_description(provider=provider, figures=figures, computed_at=computed_at)
    with translation.override("en"):  # the audit is published in English
        csv_text = reports.audit_csv(audit_date=today, provider=provider, figures=figures)
        pdf = reports.audit_pdf(
            audit_date=today,
            provider=provider,
            source=source,
            first_used=_first_used(provider),
            figures=figures,
            computed_at=computed_at,
        )
    audit = BiasAudit.objects.create(
        provider=provider,
        audit_date=today,
        source_description=source,
        figures=figures,
        computed_at=computed_at,
        csv=csv_text,
        pdf=pdf,
        made_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        target=audit,
        detail={"event": "bias_audit_made", "provider": provider, "applicants": figures["applicants"]},
    )
    return audit


def bias_audit_download(*, audit: BiasAudit, kind: str, actor) -> bytes:
    """The audit's PDF or CSV, each download an `export` event."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        target=audit,
        detail={"event": "bias_audit_download", "format": kind},
    )
    return bytes(audit.pdf) if kind == "pdf" else audit.csv.encode("utf-8")


# --- The 365-day rule ----------------------------------------------------------------------------


def audit_required(region: str) -> bool:
    """Whether an AI interview for a position of `region` needs a recent bias audit."""
    region = (region or "").upper()
    return any(
        region == r.upper() or region.startswith(r.upper() + "-") for r in settings.HRSUITE_BIAS_AUDIT_REGIONS
    )


def latest_audit_date(provider: str) -> datetime.date | None:
    return (
        BiasAudit.objects.filter(provider=provider)
        .order_by("-audit_date")
        .values_list("audit_date", flat=True)
        .first()
    )


def audit_valid_until(provider: str) -> datetime.date | None:
    latest = latest_audit_date(provider)
    return latest + datetime.timedelta(days=settings.HRSUITE_BIAS_AUDIT_VALID_DAYS) if latest else None


def ai_interview_refusal(*, region: str, provider: str, today: datetime.date | None = None) -> str:
    """The interviews app's hook: AUDIT_REQUIRED where the region needs an audit and the tool's
    latest is absent or older than HRSUITE_BIAS_AUDIT_VALID_DAYS, else ""."""
    if not audit_required(region):
        return ""
    today = today or timezone.localdate()
    until = audit_valid_until(provider)
    return "" if until is not None and today <= until else AUDIT_REQUIRED


def ai_interview_rule(*, application, provider: str) -> tuple[str, str] | None:
    """Registered with `interviews.services.ai_processing`: refuses scheduling an AI interview of
    a tool without a valid audit where the position's region needs one."""
    code = ai_interview_refusal(region=application.position.region, provider=provider)
    if not code:
        return None
    message = gettext(
        "This position's region requires a bias audit of the AI interview tool from the last "
        "365 days, and %(tool)s has none: choose an interview a person holds, or ask compliance for an audit."
    ) % {"tool": provider}
    return code, message


def audit_warnings(*, today: datetime.date | None = None) -> list[dict]:
    """For recruiters: each tool used for positions of a region that needs an audit whose audit
    is missing, expired, or expires within HRSUITE_BIAS_AUDIT_WARN_DAYS: {provider, valid_until}
    (None when there is none). Dates only: no figure."""
    if not settings.HRSUITE_BIAS_AUDIT_REGIONS:
        return []
    today = today or timezone.localdate()
    in_audited_region = Q()
    for region in settings.HRSUITE_BIAS_AUDIT_REGIONS:
        in_audited_region |= Q(region__iexact=region) | Q(region__istartswith=f"{region}-")
    if not Position.objects.filter(in_audited_region, status=Position.Status.OPEN).exists():
        return []
    providers = providers_available()
    warn_from = datetime.timedelta(days=settings.HRSUITE_BIAS_AUDIT_WARN_DAYS)
    warnings = []
    for provider in providers:
        until = audit_valid_until(provider)
        if until is None or today + warn_from >= until:
            warnings.append(
                {"provider": provider, "valid_until": until, "expired": until is None or today > until}
            )
    return warnings
