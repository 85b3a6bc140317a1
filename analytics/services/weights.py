"""Adopting the dimension weights fitted to hires' later performance (docs/architecture.md,
"Later performance and validity"): the position's weights as the last computed figures suggest
them become its next version, an audited change that names what it was based on."""

from django.db import transaction
from django.utils.translation import gettext

from analytics.models import ValidityResult
from analytics.services.validity import validity_ask
from candidates.models import Position
from candidates.services.positions import adopted_weights, position_weights_adopt
from hrsuite.errors import Conflict


@transaction.atomic
def suggested_weights_adopt(*, result: ValidityResult, actor) -> Position:
    """The position of `result` weighs its dimensions as `result` suggests, from now on; the
    department's figures are asked for again, to compare against the new weights. Refused (409)
    where `result` suggests nothing (`no_suggestion`: a department, too few hires, or no
    dimension predicting performance) or the weights changed since (`weights_changed`)."""
    weights = (result.figures or {}).get("weights") or {}
    of_position = result.kind == ValidityResult.Kind.POSITION
    if not (of_position and weights.get("enough") and weights.get("suggested")):
        message = gettext("These figures suggest no weights to adopt.")
        raise Conflict(message, fields={"dimension_weights": [message]}, code="no_suggestion")
    suggested = dict(zip(weights["names"], weights["suggested"], strict=True))
    basis = {
        "validity_result": str(result.pk),
        "computed_at": result.computed_at.isoformat(),
        "hires": weights["n"],
        "weights_version": weights.get("weights_version"),
        "suggested": suggested,
        "gain": weights.get("gain"),
    }
    position = position_weights_adopt(
        position=result.position, weights=adopted_weights(suggested), basis=basis, actor=actor
    )
    validity_ask([position.department])
    return position
