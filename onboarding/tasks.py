"""Celery tasks of the onboarding steps: thin, take ids (or nothing), safe to run twice."""

from celery import shared_task

# One dispatch stops claiming after this long, so slow receivers (each POST may take
# HRSUITE_PROVISIONING_TIMEOUT) keep the task inside its time limit; the next beat goes on.
PROVISIONING_DISPATCH_SECONDS = 90


@shared_task(ignore_result=True)
def offers_expire() -> int:
    """Started by beat: sent offers past their answer-by time become expired."""
    from onboarding.services.offers import offers_expire as expire

    return expire()


@shared_task(ignore_result=True)
def provisioning_dispatch() -> dict:
    """Started by beat every 30 s: POSTs due provisioning deliveries to the outside systems.
    Several at once share the work: each delivery is claimed by exactly one of them."""
    from onboarding.services import provisioning

    return vars(provisioning.provisioning_dispatch(seconds=PROVISIONING_DISPATCH_SECONDS))


@shared_task(ignore_result=True)
def plans_provision_due() -> int:
    """Started by beat hourly: with HRSUITE_PROVISION_ON = "start_date", provisions the hires whose
    first day has come (nothing otherwise); safe to run twice."""
    from onboarding.services.plans import plans_provision_due as provision

    return provision()
