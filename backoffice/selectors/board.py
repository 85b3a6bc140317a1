"""A position's pipeline board: one column per stage, its count, and the cards of the applications
waiting in it longest (docs/architecture.md, "Pipeline board").

Read in a fixed number of queries whatever the position's size: the count per stage (one GROUP
BY, along the applications' (position, stage, ...) indexes), the cards of every stage (one read,
each application numbered within its stage by how long it has waited, along `application_board`),
then for the cards shown their latest AI score and whether it waits for a person, and whether a
scorecard of theirs is overdue. The names on the cards are
decrypted together (one read of the key store), and the cards shown are one `list` event each
for the applications and their candidates.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext

from audit.services import audit_lists
from candidates.models import Application, Candidate, Position, Stage
from candidates.services.applications import STAGE_TRANSITIONS
from hrsuite.models import choice_labels
from hrsuite.permissions import restrict
from interviews.models import AIAssessment, InterviewAssignment
from interviews.selectors import scorecards_overdue

# The cards a column shows, longest waiting first: of a stage where someone has to act, and of
# the ways out (hired, rejected, withdrawn); the rest are counted and listed on the candidate list,
# filtered by the position and the stage.
CARDS_PER_COLUMN = 12
CARDS_PER_EXIT = 5
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
    # Each stage's cards in one read: the applications numbered by how long they have waited in
    # their stage, the first CARDS_PER_COLUMN of each kept (the ways out show fewer).
    ranked = (
        applications.annotate(
            place=Window(RowNumber(), partition_by=F("stage"), order_by=[F("stage_changed_at"), F("pk")])
        )
        .filter(
            Q(place__lte=CARDS_PER_COLUMN, stage__in=STUCK_STAGES)
            | (Q(place__lte=CARDS_PER_EXIT) & ~Q(stage__in=STUCK_STAGES))
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    rows = (
        Application.objects.filter(pk__in=list(ranked))
        .select_related("candidate")
        .only("stage", "stage_changed_at", "candidate_id", "candidate__full_name", "candidate__erased_at")
        .order_by("stage_changed_at", "pk")
    )
    by_stage: dict[str, list] = {}
    for row in rows:
        by_stage.setdefault(row.stage, []).append(row)
    labels = choice_labels(Stage)
    stuck_before = now - timedelta(days=position.stuck_after_days)
    columns = []
    for stage in BOARD_STAGES:
        moves = moves_from(stage)
        cards = [
            Card(
                application_id=row.pk,
                candidate_id=row.candidate_id,
                name=_name(row.candidate),
                stage=stage,
                days_in_stage=max((now - row.stage_changed_at).days, 0),
                stuck=stage in STUCK_STAGES and row.stage_changed_at < stuck_before,
                moves=moves,
            )
            for row in by_stage.get(stage, [])
        ]
        columns.append(Column(stage=stage, label=labels[stage], count=counts.get(stage, 0), cards=cards))
    _flags(columns, now=now)
    shown = [card for column in columns for card in column.cards]
    if shown:
        detail = {"page": "board", "position": str(position.pk)}
        audit_lists(
            actor=user,
            lists=[
                (Application, [card.application_id for card in shown], detail),
                (Candidate, [card.candidate_id for card in shown], detail),
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
