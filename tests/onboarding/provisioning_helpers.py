"""Data for the provisioning tests: a hire's onboarding plan and the outside systems' targets."""

from onboarding.models import OnboardingPlan
from onboarding.services.provisioning import provisioning_target_create
from tests.factories import make_hire

SECRETS = {
    "oa": "oa-secret-0123456789",
    "finance": "finance-secret-0123456789",
    "training": "training-secret-0123",
}


def plan_for(offer) -> OnboardingPlan:
    """The offer's onboarding plan: the plan service's when it made one, else a bare one (the plan
    and its checklist belong to the plans service; provisioning needs only the row)."""
    existing = OnboardingPlan.objects.filter(offer=offer).first()
    if existing is not None:
        return existing
    plan = OnboardingPlan(offer=offer, application=offer.application, start_date=offer.start_date)
    plan.save(force_insert=True)
    return plan


def make_plan(recruiter, **terms) -> OnboardingPlan:
    return plan_for(make_hire(recruiter, **terms))


def make_targets(recruiter, urls: dict[str, str]) -> dict:
    return {
        system: provisioning_target_create(system=system, url=url, secret=SECRETS[system], actor=recruiter)
        for system, url in urls.items()
    }
