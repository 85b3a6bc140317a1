"""A position's pipeline board: one column per stage, its count, and the cards of the applications
waiting in it longest (docs/architecture.md, "Pipeline board").

Read in a fixed number of queries whatever the position's size: one count per stage (GROUP BY, along
the applications' (position, stage, ...) indexes), one page of cards per stage (longest waiting
first, along `application_board`), then for the cards shown their latest AI score and whether it
waits for a person, and whether a scorecard of theirs is overdue. The names on the cards are
decrypted together (one read of the key store), and the cards shown are one `list` event each
for the applications and their candidates.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext

from audit.services import audit_lists
from candidates.models import Application, Candidate, Position, Stage
from candidates.services.applications import STAGE_TRANSITIONS
from hrsuite.models import choice_labels
from hrsuite.permissions import restrict
from interviews.models import AIAssessment, InterviewAssignment
from interviews.selectors import scorecards_overdue

# The cards a column shows, longest waiting first; the rest are counted and listed on the
# candidate list, filtered by the position and the stage.
CARDS_PER_COLUMN = 25
# The stages in pipeline order, the ways out last.
BOARD_STAGES = [
    Stage.APPLIED,
    Stage.SCREENING,
    Stage.INTERVIEWING,
    Stage.DECISION,
    Stage.OFFER,
    Stage.HIRED,
    Stage.REJECTED,
    Stage.WITHDRAWN,
]
# Stages an application can be stuck in: those where someone still has to act.
STUCK_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEWING, Stage.DECISION, Stage.OFFER)


@dataclass
class Card:
    application_id: object
    candidate_id: object
    name: str
    stage: str
    days_in_stage: int
    score: Decimal | None = None
    needs_review: bool = False
    scorecard_overdue: bool = False
    stuck: bool = False
    # (event, the stage it leads to, that stage's label): the moves a recruiter may make from here.
    moves: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Column:
    stage: str
    label: str
    count: int
    cards: list[Card]

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


def moves_from(stage: str) -> list[tuple[str, str, str]]:
    """The stage moves (`STAGE_TRANSITIONS`, as the API makes them) from `stage`; the decisions
    (hire, reject) are the decision service's, on the candidate's file."""
    labels = choice_labels(Stage)
    return [
        (event, str(target), labels[target])
        for (source, event), target in STAGE_TRANSITIONS.items()
        if source == stage
    ]


def board_for(*, user, position: Position, now: datetime) -> list[Column]:
    """The position's board as `user` may see it (their applications' scope), audited."""
    applications = restrict(Application.objects.filter(position=position), user=user)
    counts = dict(applications.values_list("stage").annotate(n=Count("*")).order_by())
    labels = choice_labels(Stage)
    columns, shown = [], []
    stuck_before = now - timedelta(days=position.stuck_after_days)
    for stage in BOARD_STAGES:
        rows = list(
            applications.filter(stage=stage)
            .select_related("candidate")
            .only("stage", "stage_changed_at", "candidate_id", "candidate__full_name", "candidate__erased_at")
            .order_by("stage_changed_at", "pk")[:CARDS_PER_COLUMN]
        )
        shown += rows
        cards = [
            Card(
                application_id=row.pk,
                candidate_id=row.candidate_id,
                name=_name(row.candidate),
                stage=stage,
                days_in_stage=max((now - row.stage_changed_at).days, 0),
                stuck=stage in STUCK_STAGES and row.stage_changed_at < stuck_before,
                moves=moves_from(stage),
            )
            for row in rows
        ]
        columns.append(Column(stage=stage, label=labels[stage], count=counts.get(stage, 0), cards=cards))
    _flags(columns, now=now)
    if shown:
        audit_lists(
            actor=user,
            lists=[
                (Application, [row.pk for row in shown], {"page": "board", "position": str(position.pk)}),
                (
                    Candidate,
                    [row.candidate_id for row in shown],
                    {"page": "board", "position": str(position.pk)},
                ),
            ],
        )
    return columns


def _name(candidate: Candidate) -> str:
    if candidate.erased_at is not None:
        return gettext("Erased candidate")
    return candidate.full_name or "—"


def _flags(columns: list[Column], *, now: datetime) -> None:
    """The latest AI score of each card's application and whether it waits for a person, and
    whether one of its scorecards is overdue: two reads for all the cards shown."""
    cards = {card.application_id: card for column in columns for card in column.cards}
    if not cards:
        return
    assessments = (
        AIAssessment.objects.filter(interview__application_id__in=list(cards))
        .order_by("interview__application_id", "-received_at")
        .values_list("interview__application_id", "overall_score", "needs_human_review", "first_reviewed_at")
    )
    seen = set()
    for application_id, score, flagged, reviewed_at in assessments:
        if application_id in seen:
            continue
        seen.add(application_id)
        card = cards[application_id]
        card.score, card.needs_review = score, flagged and reviewed_at is None
    overdue = scorecards_overdue(
        InterviewAssignment.objects.filter(interview__application_id__in=list(cards)), now=now
    ).values_list("interview__application_id", flat=True)
    for application_id in set(overdue):
        cards[application_id].scorecard_overdue = True
