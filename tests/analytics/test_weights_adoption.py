"""Adopting the weights fitted to hires' later performance: the position's next version of its
weights, audited with what it was based on; assessments keep the version they were scored under;
refused for HR admins, for figures that suggest nothing, and for figures computed against weights
that changed since."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import ValidityResult
from analytics.services.validity import validity_refresh
from analytics.services.weights import suggested_weights_adopt
from audit.models import AuditEvent
from audit.services import audit_verify
from candidates.models import PositionWeights
from candidates.services.positions import adopted_weights, position_update
from hrsuite.errors import Conflict, Forbidden, NotFound
from tests.analytics.helpers import assessed
from tests.analytics.test_validity import position  # noqa: F401 - the fixture of seven rated hires

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(position, settings):  # noqa: F811 - the fixture above
    settings.HRSUITE_VALIDITY_MIN_N = 7
    validity_refresh()
    return ValidityResult.objects.get(position=position)


def test_adopted_weights_keep_three_decimals_and_add_up_to_exactly_one():
    assert adopted_weights({"a": 0.33333, "b": 0.33333, "c": 0.33334}) == {"a": 0.334, "b": 0.333, "c": 0.333}
    assert adopted_weights({"a": 0.6665, "b": 0.3335}) == {"a": 0.666, "b": 0.334}
    odd = adopted_weights({"x": 0.12345, "y": 0.5, "z": 0.37655})
    assert sum(odd.values()) == pytest.approx(1, abs=1e-12)


def test_a_recruiter_adopts_the_suggestion_as_the_next_version(result, recruiter):
    weighed = result.position
    before_assessment = assessed(recruiter, weighed, {"communication": 70, "problem_solving": 60})
    fitted = result.figures["weights"]
    suggested = dict(zip(fitted["names"], fitted["suggested"], strict=True))

    adopted = suggested_weights_adopt(result=result, actor=recruiter)

    assert adopted.weights_version == 2
    assert adopted.dimension_weights == adopted_weights(suggested)
    version = PositionWeights.objects.get(position=weighed, version=2)
    assert version.source == PositionWeights.Source.ADOPTED and version.set_by == recruiter
    assert version.basis["validity_result"] == str(result.pk) and version.basis["hires"] == 7
    assert version.basis["weights_version"] == 1 and version.basis["suggested"] == suggested
    assert PositionWeights.objects.get(position=weighed, version=1).weights == {
        "communication": 0.4,
        "problem_solving": 0.6,
    }
    event = AuditEvent.objects.filter(target_id=str(weighed.pk), detail__event="weights_adopted").get()
    assert event.actor_id == recruiter.pk
    assert (event.detail["from_version"], event.detail["to_version"]) == (1, 2)
    assert event.detail["to"] == adopted.dimension_weights
    assert audit_verify()[1] is None
    # The department's figures are asked for again, to compare against the new weights.
    assert ValidityResult.objects.get(scope=f"department:{weighed.department}").asked_at is not None
    # Each assessment keeps the version it was scored under.
    after_assessment = assessed(recruiter, weighed, {"communication": 80, "problem_solving": 50})
    versions = {
        application.pk: application.interviews.get().assessment.weights_version
        for application in (before_assessment, after_assessment)
    }
    assert versions == {before_assessment.pk: 1, after_assessment.pk: 2}


def test_figures_computed_against_weights_changed_since_are_not_adopted(result, recruiter, settings):
    changed = position_update(
        position=result.position,
        dimension_weights={"communication": 0.5, "problem_solving": 0.5},
        actor=recruiter,
    )
    assert changed.weights_version == 2
    assert PositionWeights.objects.get(position=changed, version=2).source == PositionWeights.Source.SET

    with pytest.raises(Conflict) as refused:
        suggested_weights_adopt(result=result, actor=recruiter)

    assert refused.value.code == "weights_changed" and "dimension_weights" in refused.value.fields
    changed.refresh_from_db()
    assert changed.weights_version == 2 and changed.dimension_weights == {
        "communication": 0.5,
        "problem_solving": 0.5,
    }
    # Computed again, by beat's next refresh, the figures compare against version 2, which may then
    # be replaced.
    validity_refresh(
        now=timezone.now() + datetime.timedelta(hours=settings.HRSUITE_VALIDITY_REFRESH_HOURS + 1)
    )
    result.refresh_from_db()
    assert suggested_weights_adopt(result=result, actor=recruiter).weights_version == 3


def test_a_department_or_too_few_hires_suggest_nothing(result, recruiter, settings):
    department = ValidityResult.objects.get(kind=ValidityResult.Kind.DEPARTMENT)
    with pytest.raises(Conflict) as refused:
        suggested_weights_adopt(result=department, actor=recruiter)
    assert refused.value.code == "no_suggestion"
    settings.HRSUITE_VALIDITY_MIN_N = 8
    validity_refresh(now=result.computed_at.replace(year=result.computed_at.year + 1))
    result.refresh_from_db()
    with pytest.raises(Conflict):
        suggested_weights_adopt(result=result, actor=recruiter)
    assert result.position.weight_versions.count() == 1


def test_hr_admins_and_interviewers_cannot_adopt(result, hr_admin, interviewer, client):
    for user in (hr_admin, interviewer):
        with pytest.raises((Forbidden, NotFound)):
            suggested_weights_adopt(result=result, actor=user)
    client.force_login(hr_admin)
    assert client.post(reverse("hr-validity-adopt", args=[result.pk])).status_code == 403
    client.force_login(interviewer)
    assert client.post(reverse("hr-validity-adopt", args=[result.pk])).status_code in (403, 404)
    result.position.refresh_from_db()
    assert result.position.weights_version == 1


def test_the_page_offers_the_adoption_to_a_recruiter_and_lists_the_versions(result, recruiter, client):
    client.force_login(recruiter)
    page = client.get(reverse("hr-validity", args=[result.pk])).content.decode()
    assert "Adopt the suggested weights" in page and "Version 1" in page

    answer = client.post(reverse("hr-validity-adopt", args=[result.pk]), follow=True)

    page = answer.content.decode()
    assert "adopted as version 2 of the position" in page
    assert "Version 2" in page and "Adopted from the validity figures" in page and "fitted on 7 hires" in page
    # The figures were computed against version 1: no second adoption of them.
    assert "Adopt the suggested weights" not in page
    assert "changed after these figures were computed" in page
    again = client.post(reverse("hr-validity-adopt", args=[result.pk]), follow=True).content.decode()
    assert "adopt the next ones" in again
    result.position.refresh_from_db()
    assert result.position.weights_version == 2
