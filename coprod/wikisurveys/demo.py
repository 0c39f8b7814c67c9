"""The demo's wiki survey: the 14 needs of co-commissioning, compared in pairs by the participants.

Invented answers, drawn with a fixed seed so every load gives the same ranking. Each voter
chooses between two needs as in a Bradley-Terry model: the five needs the scenario ranks
first are the most important to everyone; each voter leans a little towards the needs that
come from their own kind of knowledge, so the comparison by knowledge type shows a
difference; a few pairs are skipped.
"""

from __future__ import annotations

import math
import random

from django.db import transaction
from django.utils import timezone

from coprod.processes.demo.contributions import NEEDS, NeedSpec
from coprod.processes.models import CoType, Need, Participant, Process, ProcessRole
from coprod.wikisurveys import services, tallies
from coprod.wikisurveys.models import Answer, Item, SkipReason, Survey

SEED = 2026
QUESTION_FR = (
    "Quel besoin est le plus important pour prévenir les impacts de la chaleur chez les "
    "personnes aînées isolées ?"
)
QUESTION_EN = "Which need matters most to prevent the effects of heat on isolated seniors?"
DESCRIPTION_FR = (
    "Les 14 besoins nommés lors des rencontres par groupe de pairs et de la rencontre commune, "
    "comparés deux à deux. Les cinq premiers guident la co-conception."
)
DESCRIPTION_EN = (
    "The 14 needs named in the peer-group sessions and the merged session, compared two at a "
    "time. The top five guide the co-design."
)
ANSWERS_PER_VOTER = (10, 16)
# Sheets handed out by community workers, typed in by the facilitator: voters without an
# account, whose knowledge type is unknown.
PAPER_SHEETS = 12
PAIRS_PER_SHEET = 8
ONLINE_SKIP_REASONS = [r for r in SkipReason.values if r != SkipReason.UNSTATED]
SKIP_RATE = 0.05
# How much a voter favours the needs voiced from their own kind of knowledge.
OWN_KNOWLEDGE_BONUS = 0.6


def _worth(spec: NeedSpec) -> float:
    """How important a need is to everyone, on the Bradley-Terry (logit) scale."""
    if spec.rank is not None:
        return 2.6 - 0.5 * (spec.rank - 1)
    if spec.out_of_scope:
        return -0.4
    return 0.3


def _utility(spec: NeedSpec, knowledge: str) -> float:
    return _worth(spec) + (OWN_KNOWLEDGE_BONUS if spec.knowledge == knowledge else 0.0)


def _spec_of(need: Need | None) -> NeedSpec:
    title = need.title_fr if need is not None else None
    for spec in NEEDS:
        if spec.title_fr == title:
            return spec
    raise LookupError(title)


def _survey(process: Process) -> Survey:
    phase = process.phases.get(co_type=CoType.CO_COMMISSIONING, iteration=1)
    survey = Survey.objects.filter(phase_method__phase=phase).first()
    if survey is not None:
        return survey
    titles = {spec.title_fr for spec in NEEDS}
    needs = [need for need in process.needs.order_by("id") if need.title_fr in titles]
    return services.survey_create(
        phase=phase,
        fields={
            "question_fr": QUESTION_FR,
            "question_en": QUESTION_EN,
            "description_fr": DESCRIPTION_FR,
            "description_en": DESCRIPTION_EN,
            "allow_anonymous": False,
            "accepts_items": False,  # a closed survey: the needs only
            "is_open": False,
        },
        needs=needs,
    )


@transaction.atomic
def wikisurveys_demo_load(
    process: Process, *, answers_per_voter: tuple[int, int] = ANSWERS_PER_VOTER
) -> Survey:
    """Create (or find) the demo survey over the needs and the participants' answers.

    Each voter answers until they reach their own number of answers (drawn in
    ``answers_per_voter``); a voter who already has it is left alone, so a second load
    changes nothing. Every answer goes through the services (a new pair, then the vote), so
    the full survey takes most of the demo's loading time; tests ask for fewer answers.
    """
    survey = _survey(process)
    specs: dict[int, NeedSpec] = {
        item.pk: _spec_of(item.need)
        for item in Item.objects.filter(survey=survey, need__isnull=False).select_related("need")
    }
    voters = (
        Participant.objects.filter(process=process)
        .exclude(process_role__in=[ProcessRole.FACILITATOR, ProcessRole.NOTE_TAKER])
        .order_by("id")
    )
    survey.is_open, survey.closed_at = True, None  # answered while open, then it closes
    survey.save(update_fields=["is_open", "closed_at"])
    for index, participant in enumerate(voters):
        draw = random.Random(SEED * 1000 + index)  # one stream per voter, in a fixed order
        wanted = draw.randint(*answers_per_voter)
        voter = services.voter_for_participant(survey=survey, participant=participant)
        answered = Answer.objects.filter(appearance__voter=voter).count()
        for _turn in range(answered, wanted):
            appearance = services.appearance_next(voter=voter, seed=draw.getrandbits(62))
            if appearance is None:
                break
            left, right = specs.get(appearance.left_id), specs.get(appearance.right_id)
            if left is None or right is None or draw.random() < SKIP_RATE:
                services.answer_skip(
                    appearance=appearance,
                    voter=voter,
                    reason=draw.choice(ONLINE_SKIP_REASONS),
                )
                continue
            edge = _utility(left, voter.knowledge_type) - _utility(right, voter.knowledge_type)
            left_wins = draw.random() < 1 / (1 + math.exp(-edge))
            services.answer_vote(
                appearance=appearance,
                voter=voter,
                winner_id=appearance.left_id if left_wins else appearance.right_id,
            )
        # The strengths the next voters' pairs lean on, fitted here rather than by the
        # background worker, so that the demo's draws do not depend on the worker's timing.
        tallies.survey_refresh(survey=survey)
    if not survey.paper_sheets.exists():
        _paper_sheets(survey, specs)
    # Closed now, with its time: without ``closed_at`` there is no paper deadline, and the
    # results page would count the answers on every view instead of stamping them final.
    survey.is_open, survey.closed_at = False, timezone.now()
    survey.save(update_fields=["is_open", "closed_at"])
    return survey


def _paper_sheets(survey: Survey, specs: dict[int, NeedSpec]) -> None:
    """The paper sheets collected in the neighbourhood, marked as the online voters choose."""
    facilitator = survey.process.participants.filter(process_role=ProcessRole.FACILITATOR).first()
    if facilitator is None:
        return
    draw = random.Random(SEED + 1)
    sheets = services.paper_sheets_print(
        survey=survey, count=PAPER_SHEETS, pairs=PAIRS_PER_SHEET, seed=SEED
    )
    for sheet in sheets:
        marks = {}
        for appearance in sheet.voter.appearances.order_by("id"):
            left, right = specs.get(appearance.left_id), specs.get(appearance.right_id)
            if left is None or right is None or draw.random() < SKIP_RATE:
                marks[appearance.pk] = "cant_decide"
                continue
            edge = _utility(left, "") - _utility(right, "")
            marks[appearance.pk] = "left" if draw.random() < 1 / (1 + math.exp(-edge)) else "right"
        services.paper_sheet_enter(sheet=sheet, marks=marks, entered_by=facilitator.user)
