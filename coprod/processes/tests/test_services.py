"""The spine's invariants, held by services and by database constraints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coprod.processes import services
from coprod.processes.models import (
    CoType,
    DecisionItem,
    Idea,
    IdeaStatus,
    KnowledgeType,
    Need,
    NeedStatus,
    Outcome,
    Participant,
    Phase,
    Process,
)
from coprod.processes.registry import ParticipationMethod, method_by_key, methods_for
from coprod.processes.selectors import chain_from, participation_summary


@pytest.fixture
def author(process: Process, personas) -> Participant:
    return Participant.objects.get(user=personas["participant"])


def _need(process: Process, author: Participant, title: str = "Besoin") -> Need:
    return services.need_submit(
        process=process, author=author, title=title, knowledge_type="experiential", language="fr"
    )


def test_it_makes_the_creator_of_a_process_its_facilitator(process: Process) -> None:
    assert process.participants.get().process_role == "facilitator"


def test_it_joins_a_process_once_even_when_asked_twice(process: Process, personas) -> None:
    user = personas["signed_in"]
    first = services.participant_join(
        process=process, user=user, stakeholder_role="caregiver", knowledge_types=["experiential"]
    )
    again = services.participant_join(
        process=process, user=user, stakeholder_role="resident", knowledge_types=["practical"]
    )
    assert first.pk == again.pk
    assert Participant.objects.filter(process=process, user=user).count() == 1
    assert again.knowledge_types == ["experiential"]


def test_it_refuses_an_unknown_knowledge_type(process: Process, personas) -> None:
    with pytest.raises(ValidationError):
        services.participant_join(
            process=process,
            user=personas["signed_in"],
            stakeholder_role="resident",
            knowledge_types=["magic"],
        )


def test_it_stores_a_contribution_in_the_language_it_was_written_in(
    process: Process, author: Participant
) -> None:
    need = services.need_submit(
        process=process,
        author=author,
        title="We don't know whom to call",
        knowledge_type="experiential",
        language="en",
    )
    assert (need.title_fr, need.title_en) == ("", "We don't know whom to call")
    assert need.phase == process.phases.get()


def test_it_refuses_a_need_without_any_title_in_the_database(process: Process) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.create(process=process, knowledge_type="practical")


def test_it_requires_a_reason_for_needs_out_of_scope(process: Process, author: Participant) -> None:
    need = _need(process, author)
    with pytest.raises(ValidationError):
        services.need_set_status(need=need, status=NeedStatus.OUT_OF_SCOPE, reason="  ")
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(status=NeedStatus.OUT_OF_SCOPE, status_reason="")


def test_it_merges_a_need_only_into_another_need_of_the_process(
    process: Process, author: Participant
) -> None:
    first, second = _need(process, author, "Un"), _need(process, author, "Deux")
    with pytest.raises(ValidationError):
        services.need_set_status(need=first, status=NeedStatus.MERGED, merged_into=first)
    services.need_set_status(need=first, status=NeedStatus.MERGED, merged_into=second)
    assert first.merged_into == second


def test_it_refuses_an_idea_addressing_another_process_need(
    process: Process, author: Participant, organisation
) -> None:
    other = Process.objects.create(
        slug="other", title_fr="Autre", public_service_fr="x", lead_organisation=organisation
    )
    foreign = Need.objects.create(process=other, title_fr="Ailleurs", knowledge_type="practical")
    with pytest.raises(ValidationError):
        services.idea_submit(
            process=process,
            author=author,
            title="Idée",
            needs=[foreign],
            knowledge_type="practical",
        )


def test_it_requires_a_rationale_for_every_item_not_adopted(
    process: Process, author: Participant
) -> None:
    idea = services.idea_submit(
        process=process,
        author=author,
        title="Idée",
        needs=[_need(process, author)],
        knowledge_type="experiential",
    )
    for outcome in (Outcome.ADAPTED, Outcome.REJECTED, Outcome.DEFERRED):
        with pytest.raises(ValidationError):
            services.decision_record(
                process=process,
                body_fr="Conseil",
                decided_on=dt.date(2026, 6, 1),
                items=[services.ItemDecided(idea=idea, outcome=outcome)],
                recorded_by=None,
            )
    decision = services.decision_record(
        process=process,
        body_fr="Conseil",
        decided_on=dt.date(2026, 6, 1),
        recorded_by=None,
        items=[
            services.ItemDecided(idea=idea, outcome=Outcome.REJECTED, rationale_en="Privacy rules")
        ],
    )
    assert decision.items.get().rationale == "Privacy rules"
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.DECIDED
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionItem.objects.filter(decision=decision).update(rationale_en="")


def test_it_creates_actions_only_from_adopted_decisions(
    process: Process, author: Participant
) -> None:
    idea = services.idea_submit(
        process=process,
        author=author,
        title="Idée",
        needs=[_need(process, author)],
        knowledge_type="experiential",
    )
    services.decision_record(
        process=process,
        body_fr="Conseil",
        decided_on=dt.date(2026, 6, 1),
        recorded_by=None,
        items=[services.ItemDecided(idea=idea, outcome=Outcome.REJECTED, rationale_fr="Non")],
    )
    with pytest.raises(ValidationError):
        services.action_create(
            process=process,
            fields={"title_fr": "Action"},
            decision_items=DecisionItem.objects.all(),
        )
    with pytest.raises(ValidationError):
        services.action_create(process=process, fields={"title_fr": "Action"}, decision_items=[])


def test_it_completes_an_action_at_one_hundred_percent(
    process: Process, author: Participant
) -> None:
    idea = services.idea_submit(
        process=process,
        author=author,
        title="Idée",
        needs=[_need(process, author)],
        knowledge_type="experiential",
    )
    services.decision_record(
        process=process,
        body_fr="C",
        decided_on=dt.date(2026, 6, 1),
        recorded_by=None,
        items=[services.ItemDecided(idea=idea, outcome=Outcome.ADOPTED)],
    )
    action = services.action_create(
        process=process, fields={"title_fr": "A"}, decision_items=DecisionItem.objects.all()
    )
    services.action_update_add(
        action=action,
        happened_on=dt.date(2026, 8, 1),
        status="completed",
        progress_pct=80,
        text="Fini",
        author=None,
    )
    services.action_update_add(
        action=action,
        happened_on=dt.date(2026, 7, 1),
        status="in_progress",
        progress_pct=50,
        text="Avant",
        author=None,
    )
    action.refresh_from_db()
    # An update dated earlier than the latest one joins the timeline without rewinding the action.
    assert (action.status, action.progress_pct) == ("completed", 100)


def test_it_chains_only_ancestors_and_descendants(process: Process, author: Participant) -> None:
    a, b = _need(process, author, "A"), _need(process, author, "B")
    idea_a = services.idea_submit(
        process=process, author=author, title="Pour A", needs=[a], knowledge_type="experiential"
    )
    services.idea_submit(
        process=process, author=author, title="Pour B", needs=[b], knowledge_type="experiential"
    )
    chain = chain_from(a)
    assert chain.needs == [a] and chain.ideas == [idea_a]
    assert chain_from(idea_a).needs == [a]


def test_it_counts_participants_and_contributions_by_knowledge(
    process: Process, author: Participant
) -> None:
    _need(process, author)
    summary = participation_summary(process)
    # The participant, observer, note-taker and moderator personas are residents with lived experience;
    # facilitators and note-takers are staff of the process and are not counted as participants.
    assert summary.participants == 3
    assert dict(summary.participants_by_knowledge)[str(KnowledgeType.EXPERIENTIAL.label)] == 3
    assert dict(summary.contributions_by_knowledge)[str(KnowledgeType.EXPERIENTIAL.label)] == 1


class ToyMethod:
    """A participation method reduced to its contract, to test the registry."""

    key = "toy"
    label = "Toy"
    co_types = frozenset({CoType.CO_DESIGN})

    def clean_config(self, config):
        if config.get("rounds", 1) < 1:
            raise ValidationError("at least one round")
        return {"rounds": int(config.get("rounds", 1))}

    def entry_url(self, phase_method):
        return f"/toy/{phase_method.pk}/"

    def participation_count(self, phase_method):
        return 0

    def setup_url(self, phase):
        return f"/toy/new/{phase.pk}/"


def test_it_attaches_a_registered_method_to_a_phase_that_fits_it(process: Process) -> None:
    design = Phase.objects.create(
        process=process,
        seq=2,
        co_type=CoType.CO_DESIGN,
        title_fr="Conception",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    toy: ParticipationMethod = ToyMethod()
    attached = services.phase_method_attach(
        phase=design, method_key="toy", config={"rounds": 3}, methods=(toy,)
    )
    assert attached.config == {"rounds": 3}
    assert toy.entry_url(attached) == f"/toy/{attached.pk}/"
    assert methods_for(CoType.CO_DESIGN, (toy,)) == [toy]
    assert methods_for(CoType.CO_DELIVERY, (toy,)) == []
    with pytest.raises(ValidationError):
        services.phase_method_attach(
            phase=process.phases.get(seq=1), method_key="toy", config={}, methods=(toy,)
        )
    with pytest.raises(ValidationError):
        services.phase_method_attach(
            phase=design, method_key="toy", config={"rounds": 0}, methods=(toy,)
        )
    with pytest.raises(ValidationError):
        method_by_key("unknown", (toy,))


def test_it_keeps_ideas_and_their_needs_in_one_process(
    process: Process, author: Participant
) -> None:
    need = _need(process, author)
    idea = services.idea_submit(
        process=process, author=author, title="Idée", needs=[need], knowledge_type="scientific"
    )
    assert Idea.objects.get(pk=idea.pk).needs.get() == need
