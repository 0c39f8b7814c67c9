"""The demo loader: :func:`demo_load` writes the scenario through the spine's services.

Loading is idempotent: each row is found again by a natural key (e-mail, slug, sequence,
code, original-language title) and brought back to what the data says, so running the loader
twice gives the same database, and what demo visitors add in the open phase is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from coprod.accounts.models import ConsentScope, Membership, MembershipRole, Organisation, User
from coprod.accounts.services import consent_give, profile_save
from coprod.processes import services
from coprod.processes.demo.actions import ACTIONS, Contribution, UpdateSpec
from coprod.processes.demo.contributions import (
    COMMENTS,
    IDEAS,
    NEED_SESSIONS,
    NEEDS,
    UNTRANSLATED_IDEAS,
    WORLD_CAFE,
    IdeaSpec,
    NeedSpec,
)
from coprod.processes.demo.decision import DECIDED_ON, DECISION_FIELDS, DECISION_ITEMS
from coprod.processes.demo.indicators import BASELINE_ON, INDICATORS, TARGET_ON, MeasurementSpec
from coprod.processes.demo.people import (
    ADMIN_EMAIL,
    DEMO_DOMAIN,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    ORGANISATIONS,
    PEOPLE,
    Person,
    person_email,
)
from coprod.processes.demo.process import (
    LEAD_ORGANISATION,
    OPEN_PHASE_MIN_DAYS,
    OPEN_PHASE_MIN_END,
    PARTNERS,
    PHASE_FLAGS,
    PHASES,
    PROCESS_FIELDS,
    PROCESS_SLUG,
)
from coprod.processes.models import (
    Action,
    ActionContributor,
    ActionStatus,
    ActionUpdate,
    Comment,
    Decision,
    DecisionItem,
    Idea,
    Indicator,
    KnowledgeType,
    Measurement,
    Need,
    Participant,
    Phase,
    Process,
    ProcessRole,
)

D = dt.date


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`demo_load` wrote: counts per kind of object, and how to sign in."""

    process_slug: str
    counts: dict[str, int]
    logins: tuple[tuple[str, str], ...] = DEMO_LOGINS
    password: str = DEMO_PASSWORD


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> DemoSummary:
    """Load (or bring back) the demo scenario; running it again changes nothing.

    ``today`` decides when the last phase ends, so that it is open for a while whenever the
    demo is loaded.
    """
    today = today or timezone.localdate()
    orgs = _load_organisations()
    users = _load_users(orgs)
    _load_profiles(users)
    process = _load_process(users["genevieve"], orgs)
    phases = _load_phases(process, today)
    participants = _load_participants(process, users, orgs)
    needs = _load_needs(process, phases[1], participants)
    ideas = _load_ideas(process, phases[2], participants, needs)
    _load_comments(needs, ideas, participants, moderator=users["maude"])
    items = _load_decision(process, ideas, recorded_by=users["genevieve"])
    actions = _load_actions(process, items, participants, orgs, users)
    _load_indicators(process, actions, needs, users)
    return DemoSummary(process_slug=process.slug, counts=demo_counts(process))


def demo_counts(process: Process) -> dict[str, int]:
    """How many of each thing the demo holds (what visitors added included)."""
    demo_people = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    return {
        "organisations": Organisation.objects.filter(
            name_fr__in=[org.name_fr for org in ORGANISATIONS]
        ).count(),
        "people": demo_people.count(),
        "consents": demo_people.filter(consents__isnull=False).count(),
        "profiles": demo_people.filter(profile__isnull=False).count(),
        "participants": process.participants.count(),
        "phases": process.phases.count(),
        "needs": process.needs.count(),
        "ideas": process.ideas.count(),
        "comments": Comment.objects.filter(author__process=process).count(),
        "decisions": process.decisions.count(),
        "decision items": DecisionItem.objects.filter(decision__process=process).count(),
        "actions": process.actions.count(),
        "co-deliverers": ActionContributor.objects.filter(action__process=process).count(),
        "action updates": ActionUpdate.objects.filter(action__process=process).count(),
        "indicators": process.indicators.count(),
        "measurements": Measurement.objects.filter(indicator__process=process).count(),
    }


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    """An aware date-time in Montréal, to date what happened before the demo was loaded."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _suffix(language: str) -> str:
    return "en" if language.startswith("en") else "fr"


def _load_organisations() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:  # parents are listed before their children
        orgs[spec.key], _created = Organisation.objects.update_or_create(
            name_fr=spec.name_fr,
            defaults={
                "name_en": spec.name_en,
                "kind": spec.kind,
                "territory": spec.territory,
                "parent": orgs[spec.parent] if spec.parent else None,
            },
        )
    return orgs


def _load_users(orgs: Mapping[str, Organisation]) -> dict[str, User]:
    """The demo people, who can sign in at once: a usable password and a verified address.

    Upserts keyed on the e-mail address (three queries, not three per person) and one
    password hash for everyone: one by one, these took most of the loading time.
    """
    password = make_password(DEMO_PASSWORD)
    admin = User(
        email=ADMIN_EMAIL, display_name="Administration Coprod", is_staff=True, is_superuser=True
    )
    rows = [
        User(email=person_email(p), display_name=p.name, preferred_language=p.language)
        for p in PEOPLE
    ]
    for row in [*rows, admin]:
        row.password = password
    User.objects.bulk_create(
        [*rows, admin],
        update_conflicts=True,
        unique_fields=["email"],
        update_fields=[
            "display_name",
            "preferred_language",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
        ],
    )
    emails = [row.email for row in (*rows, admin)]
    by_email = {u.email: u for u in User.objects.filter(email__in=emails)}
    _verify_addresses(by_email.values())
    users = {person.key: by_email[person_email(person)] for person in PEOPLE}
    Membership.objects.bulk_create(
        [
            Membership(user=users[p.key], organisation=orgs[p.org], role=_membership_role(p))
            for p in PEOPLE
            if p.org
        ],
        update_conflicts=True,
        unique_fields=["user", "organisation"],
        update_fields=["role"],
    )
    return users


def _membership_role(person: Person) -> str:
    """Facilitators organise processes in their organisation; the others are members."""
    if person.process_role == ProcessRole.FACILITATOR:
        return MembershipRole.ORGANISER
    return MembershipRole.MEMBER


def _verify_addresses(users: Iterable[User]) -> None:
    """Mark each demo address verified, as allauth requires before a first sign-in."""
    users = list(users)
    known = set(EmailAddress.objects.filter(user__in=users).values_list("email", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in users
        if user.email not in known
    )
    EmailAddress.objects.filter(user__in=users, email=F("user__email")).update(
        verified=True, primary=True
    )


def _load_profiles(users: Mapping[str, User]) -> None:
    for person in PEOPLE:
        if person.facts is None:
            continue
        user = users[person.key]
        consent_give(user=user, scope=ConsentScope.EQUITY_STATS, language=person.language)
        profile_save(
            user=user,
            data={
                "age_band": person.facts.age_band,
                "postal_prefix": person.facts.postal_prefix,
                "languages_spoken": person.facts.languages,
                "lives_alone": person.facts.lives_alone,
            },
        )


def _load_process(creator: User, orgs: Mapping[str, Organisation]) -> Process:
    lead = orgs[LEAD_ORGANISATION]
    process = Process.objects.filter(slug=PROCESS_SLUG).first()
    if process is None:
        process = services.process_create(
            created_by=creator,
            lead_organisation=lead,
            fields={"slug": PROCESS_SLUG, **PROCESS_FIELDS},
        )
    Process.objects.filter(pk=process.pk).update(
        lead_organisation=lead, created_at=_at(D(2025, 12, 1)), **PROCESS_FIELDS
    )
    process.refresh_from_db()
    process.partners.set([orgs[key] for key in PARTNERS])
    return process


def _load_phases(process: Process, today: dt.date) -> dict[int, Phase]:
    open_until = max(OPEN_PHASE_MIN_END, today + dt.timedelta(days=OPEN_PHASE_MIN_DAYS))
    phases: dict[int, Phase] = {}
    for spec in PHASES:
        phases[spec.seq], _created = Phase.objects.update_or_create(
            process=process,
            seq=spec.seq,
            defaults={
                "co_type": spec.co_type,
                "living_lab_stage": spec.stage,
                "title_fr": spec.title_fr,
                "title_en": spec.title_en,
                "description_fr": spec.description_fr,
                "description_en": spec.description_en,
                "starts_on": spec.starts_on,
                "ends_on": spec.ends_on or open_until,
                "iap2_promised": spec.iap2,
                "iteration": spec.iteration,
                "accepts_comments": True,
                **{flag: flag in spec.flags for flag in PHASE_FLAGS},
            },
        )
    return phases


def _load_participants(
    process: Process, users: Mapping[str, User], orgs: Mapping[str, Organisation]
) -> dict[str, Participant]:
    participants: dict[str, Participant] = {}
    for person in PEOPLE:
        participant = services.participant_join(
            process=process,
            user=users[person.key],
            stakeholder_role=person.role,
            knowledge_types=person.knowledge,
            organisation=orgs[person.org] if person.org else None,
            process_role=person.process_role,
        )
        # Joining keeps a first participation (the creator's, made by process_create):
        # bring it back to what the scenario says.
        Participant.objects.filter(pk=participant.pk).update(
            stakeholder_role=person.role,
            process_role=person.process_role,
            organisation=orgs[person.org] if person.org else None,
            joined_at=_at(D(2026, 1, 12), 9),
            **{kind: kind in person.knowledge for kind in KnowledgeType.values},
        )
        participants[person.key] = participant
    return participants


def _original(spec: NeedSpec | IdeaSpec, name: str) -> str:
    """The text as its author wrote it, in their own language."""
    return str(getattr(spec, f"{name}_{spec.language}", ""))


def _find(contributions: models.QuerySet[Any], spec: NeedSpec | IdeaSpec) -> Any:
    """A need or idea already loaded, found by its title in its author's language."""
    return contributions.filter(**{f"title_{spec.language}": _original(spec, "title")}).first()


def _load_needs(
    process: Process, phase: Phase, participants: Mapping[str, Participant]
) -> dict[str, Need]:
    needs: dict[str, Need] = {}
    for spec in NEEDS:
        need = _find(process.needs.all(), spec)
        if need is None:
            need = services.need_submit(
                process=process,
                author=participants[spec.author],
                title=_original(spec, "title"),
                description=_original(spec, "description"),
                knowledge_type=spec.knowledge,
                language=spec.language,
            )
        # A facilitator translated each need; the pairwise vote ranked the first five.
        Need.objects.filter(pk=need.pk).update(
            phase=phase,
            title_fr=spec.title_fr,
            title_en=spec.title_en,
            description_fr=spec.description_fr,
            description_en=spec.description_en,
            priority_rank=spec.rank,
            created_at=_at(NEED_SESSIONS[spec.knowledge]),
        )
        reason = "\n\n".join(spec.out_of_scope) if spec.out_of_scope else ""
        services.need_set_status(need=need, status=spec.status, reason=reason)
        needs[spec.key] = need
    return needs


def _load_ideas(
    process: Process,
    phase: Phase,
    participants: Mapping[str, Participant],
    needs: Mapping[str, Need],
) -> dict[str, Idea]:
    ideas: dict[str, Idea] = {}
    for spec in IDEAS:
        addressed = [needs[key] for key in spec.needs]
        note = f"Café du monde / World café, {WORLD_CAFE:%Y-%m-%d}, table {spec.table}"
        idea = _find(process.ideas.all(), spec)
        if idea is None:
            idea = services.idea_submit(
                process=process,
                author=participants[spec.author],
                title=_original(spec, "title"),
                needs=addressed,
                knowledge_type=spec.knowledge,
                origin=spec.origin,
                origin_note=note if spec.table else "",
                language=spec.language,
            )
        translated = spec.key not in UNTRANSLATED_IDEAS
        Idea.objects.filter(pk=idea.pk).update(
            phase=phase,
            title_fr=spec.title_fr if translated or spec.language == "fr" else "",
            title_en=spec.title_en if translated or spec.language == "en" else "",
            created_at=_at(WORLD_CAFE if spec.table else WORLD_CAFE - dt.timedelta(days=7)),
        )
        idea.needs.set(addressed)
        ideas[spec.key] = idea
    return ideas


def _load_comments(
    needs: Mapping[str, Need],
    ideas: Mapping[str, Idea],
    participants: Mapping[str, Participant],
    *,
    moderator: User,
) -> None:
    for spec in COMMENTS:
        target: Need | Idea = needs[spec.on] if spec.on in needs else ideas[spec.on]
        author = participants[spec.author]
        on = {"need": target} if isinstance(target, Need) else {"idea": target}
        comment = Comment.objects.filter(author=author, body=spec.body, **on).first()
        if comment is None:
            comment = services.comment_add(
                author=author, target=target, body=spec.body, knowledge_type=spec.knowledge
            )
        if spec.hidden_reason and not comment.is_hidden:
            services.contribution_hide(
                contribution=comment, reason=spec.hidden_reason, by=moderator
            )
        dates: dict[str, Any] = {"created_at": _at(spec.on_day)}
        if spec.hidden_reason:
            dates["hidden_at"] = _at(spec.on_day, 17)
        Comment.objects.filter(pk=comment.pk).update(**dates)


def _load_decision(
    process: Process, ideas: Mapping[str, Idea], *, recorded_by: User
) -> dict[str, DecisionItem]:
    decided = [
        services.ItemDecided(
            idea=ideas[spec.idea],
            outcome=spec.outcome,
            rationale_fr=spec.rationale_fr,
            rationale_en=spec.rationale_en,
        )
        for spec in DECISION_ITEMS
    ]
    body = DECISION_FIELDS["body_fr"]
    decision = process.decisions.filter(body_fr=body, decided_on=DECIDED_ON).first()
    if decision is None:
        decision = services.decision_record(
            process=process,
            decided_on=DECIDED_ON,
            items=decided,
            recorded_by=recorded_by,
            **DECISION_FIELDS,
        )
    for item in decided:
        DecisionItem.objects.update_or_create(
            decision=decision,
            idea=item.idea,
            defaults={
                "outcome": item.outcome,
                "rationale_fr": item.rationale_fr,
                "rationale_en": item.rationale_en,
            },
        )
    # Published the evening it was taken, 21 days after the world café.
    Decision.objects.filter(pk=decision.pk).update(
        published_at=_at(DECIDED_ON, 18), **DECISION_FIELDS
    )
    return {spec.idea: decision.items.get(idea=ideas[spec.idea]) for spec in DECISION_ITEMS}


def _co_deliverer(
    spec: Contribution,
    participants: Mapping[str, Participant],
    orgs: Mapping[str, Organisation],
) -> services.CoDeliverer:
    return services.CoDeliverer(
        participant=participants[spec.person] if spec.person else None,
        organisation=orgs[spec.org] if spec.org else None,
        role=spec.role,
        hours=Decimal(spec.hours),
    )


def _load_actions(
    process: Process,
    items: Mapping[str, DecisionItem],
    participants: Mapping[str, Participant],
    orgs: Mapping[str, Organisation],
    users: Mapping[str, User],
) -> dict[str, Action]:
    actions: dict[str, Action] = {}
    for spec in ACTIONS:
        fields = {
            "code": spec.code,
            "title_fr": spec.title_fr,
            "title_en": spec.title_en,
            "description_fr": spec.description_fr,
            "description_en": spec.description_en,
            "owner_organisation": orgs[spec.owner],
            "starts_on": spec.starts_on,
            "due_on": spec.due_on,
        }
        carried_out = [items[key] for key in spec.items]
        co_deliverers = [_co_deliverer(c, participants, orgs) for c in spec.contributors]
        action = process.actions.filter(code=spec.code).first()
        if action is None:
            action = services.action_create(
                process=process,
                fields=fields,
                decision_items=carried_out,
                co_deliverers=co_deliverers,
            )
        else:
            Action.objects.filter(pk=action.pk).update(**fields)
            action.decision_items.set(carried_out)
            _sync_co_deliverers(action, co_deliverers)
        _load_updates(action, spec.updates, users)
        actions[spec.code] = action
    return actions


def _sync_co_deliverers(action: Action, co_deliverers: Iterable[services.CoDeliverer]) -> None:
    for c in co_deliverers:
        ActionContributor.objects.update_or_create(
            action=action,
            participant=c.participant,
            organisation=c.organisation,
            role=c.role,
            defaults={"hours": c.hours},
        )


def _load_updates(action: Action, updates: Iterable[UpdateSpec], users: Mapping[str, User]) -> None:
    last: UpdateSpec | None = None
    for spec in sorted(updates, key=lambda u: u.on):
        if not action.updates.filter(happened_on=spec.on).exists():
            services.action_update_add(
                action=action,
                happened_on=spec.on,
                status=spec.status,
                progress_pct=spec.progress,
                text=spec.text_fr,
                author=users[spec.author],
                language="fr",
            )
        action.updates.filter(happened_on=spec.on).update(
            text_fr=spec.text_fr, text_en=spec.text_en, created_at=_at(spec.on, 17)
        )
        last = spec
    if last is not None:  # the action stands where its latest update left it
        progress = 100 if last.status == ActionStatus.COMPLETED else last.progress
        Action.objects.filter(pk=action.pk).update(status=last.status, progress_pct=progress)


def _load_indicators(
    process: Process,
    actions: Mapping[str, Action],
    needs: Mapping[str, Need],
    users: Mapping[str, User],
) -> None:
    for spec in INDICATORS:
        fields = {
            "code": spec.code,
            "name_fr": spec.name_fr,
            "name_en": spec.name_en,
            "unit": spec.unit,
            "kind": spec.kind,
            "direction": spec.direction,
            "baseline_value": Decimal(spec.baseline) if spec.baseline else None,
            "baseline_on": BASELINE_ON if spec.baseline else None,
            "target_value": Decimal(spec.target) if spec.target else None,
            "target_on": TARGET_ON if spec.target else None,
        }
        measured = [actions[code] for code in spec.actions]
        followed = [needs[key] for key in spec.needs]
        indicator = process.indicators.filter(code=spec.code).first()
        if indicator is None:
            indicator = services.indicator_create(
                process=process, fields=fields, actions=measured, needs=followed
            )
        else:
            Indicator.objects.filter(pk=indicator.pk).update(**fields)
            indicator.actions.set(measured)
            indicator.needs.set(followed)
        for measurement in spec.measurements:
            _load_measurement(indicator, measurement, users)


def _load_measurement(
    indicator: Indicator, spec: MeasurementSpec, users: Mapping[str, User]
) -> None:
    entered_by = users[spec.entered_by]
    found = indicator.measurements.filter(measured_on=spec.on)
    if not found.exists():
        services.measurement_add(
            indicator=indicator,
            value=Decimal(spec.value),
            measured_on=spec.on,
            source=spec.source,
            entered_by=entered_by,
        )
    found.update(
        value=Decimal(spec.value),
        source=spec.source,
        entered_by=entered_by,
        created_at=_at(spec.on, 16),
    )
