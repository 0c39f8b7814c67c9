"""Writes of citizen panels: features, the pool, quotas, the announced seed, the draw, replacements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coprod.accounts.models import User
from coprod.panels.imports import PoolFileError, PoolRow, read_feature_file, read_people_file
from coprod.panels.models import (
    SEATED,
    Category,
    Draw,
    Feature,
    Member,
    MemberStatus,
    Panel,
    PanelStatus,
    ParticipantField,
    Volunteer,
    VolunteerSource,
    VolunteerValue,
)
from coprod.panels.selectors import Bounds, engine_input, gini, quotas_check
from coprod.processes.models import (
    KnowledgeType,
    Participant,
    Phase,
    RecruitedVia,
    StakeholderRole,
)
from coprod.processes.roles import forget_participations
from coprod.processes.services import phase_method_attach
from coprod_engine._random import new_seed, rng
from coprod_engine.exceptions import Infeasible
from coprod_engine.sortition import replacement_draw, select_panel

METHOD_KEY = "citizen_panel"
# The version of the recruitment form's consent text; bump it when the wording changes.
CONSENT_TEXT_VERSION = "panel-2026-11-v1"
# Replacement draws use seeds derived from the announced one, so they are announced too.
REPLACEMENT_SEED_OFFSET = 1_000
RESERVE_SEED_OFFSET = 1
PRACTICE_ROLES = {
    StakeholderRole.COMMUNITY_WORKER,
    StakeholderRole.FRONTLINE_PROFESSIONAL,
    StakeholderRole.MANAGER,
    StakeholderRole.ELECTED_OFFICIAL,
}


@transaction.atomic
def panel_create(*, phase: Phase, fields: Mapping[str, Any]) -> Panel:
    phase_method = phase_method_attach(phase=phase, method_key=METHOD_KEY, config={})
    return Panel.objects.create(phase_method=phase_method, **fields)


def _require_recruiting(panel: Panel) -> None:
    if panel.status != PanelStatus.RECRUITING:
        raise ValidationError(
            _("The seed is announced: the pool, the features and the quotas are frozen.")
        )


def _label(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class CategorySpec:
    key: str
    label_fr: str = ""
    label_en: str = ""
    quota_min: int = 0
    quota_max: int | None = None


@transaction.atomic
def feature_define(
    *,
    panel: Panel,
    key: str,
    label_fr: str,
    label_en: str = "",
    categories: Sequence[CategorySpec],
    participant_field: str = ParticipantField.NONE,
) -> Feature:
    """Add a feature and its categories (and their quotas), before anyone has volunteered."""
    _require_recruiting(panel)
    if panel.volunteers.exists():
        raise ValidationError(_("Volunteers are already in the pool: the features are fixed."))
    if participant_field == ParticipantField.STAKEHOLDER_ROLE:
        unknown = [c.key for c in categories if c.key not in StakeholderRole.values]
        if unknown:
            raise ValidationError(
                _("Not stakeholder roles: %(keys)s.") % {"keys": ", ".join(unknown)}
            )
    feature = Feature.objects.create(
        panel=panel,
        key=key,
        label_fr=label_fr,
        label_en=label_en,
        participant_field=participant_field,
        seq=panel.features.count(),
    )
    Category.objects.bulk_create(
        Category(
            feature=feature,
            key=spec.key,
            label_fr=spec.label_fr or _label(spec.key),
            label_en=spec.label_en,
            quota_min=spec.quota_min,
            quota_max=spec.quota_max,
            seq=seq,
        )
        for seq, spec in enumerate(categories)
    )
    return feature


def _add_volunteer(
    *, panel: Panel, row: PoolRow, features: dict[str, Feature], **consent: Any
) -> Volunteer:
    volunteer = Volunteer.objects.create(panel=panel, name=row.name, email=row.email, **consent)
    categories = {(c.feature_id, c.key): c for c in Category.objects.filter(feature__panel=panel)}
    VolunteerValue.objects.bulk_create(
        VolunteerValue(
            volunteer=volunteer,
            feature=feature,
            category=categories[(feature.pk, row.values[key])],
        )
        for key, feature in features.items()
    )
    return volunteer


@transaction.atomic
def volunteer_register(
    *,
    panel: Panel,
    name: str,
    email: str,
    values: Mapping[str, str],
    consent: bool,
    language: str,
    user: User | None = None,
    base_url: str = "",
    notify: bool = True,
) -> Volunteer:
    """Put a person in the pool from the recruitment form, only with their consent.

    Their categories are stored only because they agreed to their use for the draw; the
    consent's text version, language and time are kept with them. Once stored, they are
    e-mailed their private link to withdraw (no account needed).
    """
    if not consent:
        raise ValidationError(
            _("Your answers are kept only if you agree to their use for the draw.")
        )
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _require_recruiting(panel)
    email = email.strip().lower()
    if panel.volunteers.filter(email=email, withdrawn_at__isnull=True).exists():
        raise ValidationError({"email": _("This e-mail address is already in the pool.")})
    features = {f.key: f for f in panel.features.all()}
    allowed = {key: set(f.categories.values_list("key", flat=True)) for key, f in features.items()}
    if set(values) != set(features) or any(values[k] not in allowed[k] for k in features):
        raise ValidationError(_("Answer every question of the form."))
    volunteer = _add_volunteer(
        panel=panel,
        row=PoolRow(0, name.strip(), email, dict(values)),
        features=features,
        user=user,
        source=VolunteerSource.FORM,
        consent_text_version=CONSENT_TEXT_VERSION,
        consent_language=language,
        consent_given_at=timezone.now(),
    )
    if notify:
        transaction.on_commit(lambda: _welcome(volunteer=volunteer, base_url=base_url))
    return volunteer


def _withdrawal_link(volunteer: Volunteer, base_url: str) -> str:
    path = reverse("panels:leave", args=[volunteer.panel_id, volunteer.withdrawal_token])
    return base_url.rstrip("/") + path


def _welcome(*, volunteer: Volunteer, base_url: str) -> None:
    with translation.override(volunteer.consent_language or settings.LANGUAGE_CODE):
        send_mail(
            _("You are in the pool of the citizen panel “%(panel)s”")
            % {"panel": volunteer.panel.title},
            "\n\n".join(
                [
                    _("Hello %(name)s,") % {"name": volunteer.name},
                    _(
                        "Thank you for volunteering. Your answers are used only for the draw; "
                        "we will write to you after it."
                    ),
                    _("To withdraw and erase your answers at any time: %(link)s")
                    % {"link": _withdrawal_link(volunteer, base_url)},
                ]
            ),
            None,
            [volunteer.email],
        )


@transaction.atomic
def pool_import(
    *,
    panel: Panel,
    people: bytes,
    features: bytes | None = None,
    consent_source: str,
    form_version: str,
) -> list[Volunteer]:
    """Import a pool file; every row is checked first, so nothing is half-imported.

    ``features`` (a ``features.csv`` with the quotas) defines the panel's features when it
    has none yet. The facilitator attests that each person consented to the use of their
    categories for the draw: where (``consent_source``) and with which form version.

    Raises
    ------
    PoolFileError
        With every bad row, and nothing stored.
    """
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _require_recruiting(panel)
    if not consent_source.strip() or not form_version.strip():
        raise ValidationError(_("Say where and with which form the consents were collected."))
    if features is not None and not panel.features.exists():
        _features_from_quotas(panel, read_feature_file(features))
    defined = {f.key: f for f in panel.features.prefetch_related("categories")}
    rows = read_people_file(
        people, {key: {c.key for c in f.categories.all()} for key, f in defined.items()}
    )
    taken = set(panel.volunteers.filter(withdrawn_at__isnull=True).values_list("email", flat=True))
    if clash := [row for row in rows if row.email in taken]:
        raise PoolFileError(
            [
                _("Line %(line)d: this e-mail address is already in the pool.") % {"line": row.line}
                for row in clash
            ]
        )
    now = timezone.now()
    return [
        _add_volunteer(
            panel=panel,
            row=row,
            features=defined,
            source=VolunteerSource.IMPORT,
            consent_text_version=form_version.strip()[:40],
            consent_source=consent_source.strip()[:200],
            consent_given_at=now,
        )
        for row in rows
    ]


def _features_from_quotas(panel: Panel, quotas: Iterable[Any]) -> None:
    grouped: dict[str, list[CategorySpec]] = {}
    for quota in quotas:
        grouped.setdefault(quota.feature, []).append(
            CategorySpec(quota.value, quota_min=quota.min, quota_max=quota.max)
        )
    for key, categories in grouped.items():
        role = all(c.key in StakeholderRole.values for c in categories)
        feature_define(
            panel=panel,
            key=key,
            label_fr=_label(key),
            categories=categories,
            participant_field=ParticipantField.STAKEHOLDER_ROLE if role else ParticipantField.NONE,
        )


@transaction.atomic
def volunteer_withdraw(*, volunteer: Volunteer) -> None:
    """Withdraw from the pool: the categories, name and e-mail are erased.

    Before the draw the person simply leaves the pool. After it, a seated member is
    marked as declined (a facilitator then draws a replacement); the draw record keeps
    only the pseudonym and the categories it was computed from, so it can still be replayed.
    """
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.withdrawn_at:
        return
    volunteer.values.all().delete()
    volunteer.memberships.filter(status__in=[*SEATED, MemberStatus.RESERVE]).update(
        status=MemberStatus.DECLINED
    )
    volunteer.name = ""
    volunteer.email = ""
    volunteer.user = None
    volunteer.withdrawn_at = timezone.now()
    volunteer.save(update_fields=["name", "email", "user", "withdrawn_at"])


@transaction.atomic
def quotas_save(*, panel: Panel, bounds: Bounds) -> None:
    """Store the quotas typed in the editor (feasible or not: the editor says which)."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    _require_recruiting(panel)
    for category in Category.objects.filter(feature__panel=panel, pk__in=list(bounds)):
        low, high = bounds[category.pk]
        if high is not None and low > high:
            raise ValidationError(
                _("%(category)s: the minimum is above the maximum.") % {"category": category}
            )
        category.quota_min, category.quota_max = low, high
        category.save(update_fields=["quota_min", "quota_max"])


@transaction.atomic
def panel_announce(*, panel: Panel, draw_planned_at: Any = None, seed: int | None = None) -> Panel:
    """Announce the seed of the draw and freeze the pool and the quotas.

    The seed is drawn here, published on the panel's page and never changes afterwards;
    the input hash of the frozen pool is published with it, so nobody can reshape the
    pool once the seed is known without it showing. ``seed`` is for the demo and tests only.
    """
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if panel.status != PanelStatus.RECRUITING:
        raise ValidationError(_("The seed of this panel is already announced."))
    data = engine_input(panel)
    if len(data.ids) < panel.size + panel.reserves:
        raise ValidationError(
            _(
                "The pool has %(pool)d volunteers: too few for %(size)d seats and %(reserves)d reserves."
            )
            % {"pool": len(data.ids), "size": panel.size, "reserves": panel.reserves}
        )
    if not quotas_check(panel).feasible:
        raise ValidationError(_("No panel meets the quotas: change them first."))
    panel.seed = new_seed() if seed is None else seed
    panel.announced_at = timezone.now()
    panel.announced_input_hash = data.input_hash
    panel.draw_planned_at = draw_planned_at
    panel.status = PanelStatus.ANNOUNCED
    panel.save()
    return panel


@transaction.atomic
def panel_draw(
    *, panel: Panel, drawn_by: User | None = None, base_url: str = "", notify: bool = True
) -> Draw:
    """Draw the panel with the announced seed and record the public audit record, once.

    The seated members become participants of the process; they and the reserves are
    e-mailed once the transaction commits.
    """
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if panel.status != PanelStatus.ANNOUNCED or panel.seed is None:
        raise ValidationError(_("Announce the seed before the draw."))
    data = engine_input(panel)
    try:
        result = select_panel(
            data.ids,
            data.features,
            data.quotas,
            data.k,
            seed=panel.seed,
            algorithm=panel.algorithm,  # type: ignore[arg-type]
        )
    except Infeasible as error:
        raise ValidationError(_("No panel meets the quotas: change them first.")) from error
    probabilities = [result.probabilities[pid] for pid in data.ids]
    draw = Draw.objects.create(
        panel=panel,
        drawn_by=drawn_by,
        seed=result.seed,
        input_hash=result.input_hash,
        engine_version=result.engine_version,
        algorithm=result.algorithm,
        size=data.k,
        pool_size=len(data.ids),
        panel_ids=list(result.panel),
        probability_min=min(probabilities),
        probability_max=max(probabilities),
        probability_mean=sum(probabilities) / len(probabilities),
        probability_gini=gini(probabilities),
        probabilities=result.probabilities,
        pool={"ids": data.ids, "features": data.features},
        quotas=[[q.feature, q.value, q.min, q.max] for q in data.quotas],
    )
    by_id = {v.pseudonym: v for v in data.volunteers}
    chosen = set(result.panel)
    members = [
        Member(
            draw=draw,
            volunteer=by_id[pid],
            status=MemberStatus.SELECTED,
            probability=result.probabilities[pid],
            rank=rank,
        )
        for rank, pid in enumerate(result.panel)
    ]
    others = [pid for pid in data.ids if pid not in chosen]
    order = rng(panel.seed + RESERVE_SEED_OFFSET).permutation(len(others))
    members += [
        Member(
            draw=draw,
            volunteer=by_id[others[int(i)]],
            status=MemberStatus.RESERVE,
            probability=result.probabilities[others[int(i)]],
            rank=data.k + rank,
        )
        for rank, i in enumerate(order[: panel.reserves])
    ]
    Member.objects.bulk_create(members)
    panel.status = PanelStatus.DRAWN
    panel.save(update_fields=["status"])
    seated = list(draw.members.filter(status=MemberStatus.SELECTED).select_related("volunteer"))
    members_to_participants(panel=panel, members=seated)
    if notify:
        notified = [m.pk for m in draw.members.all()]
        transaction.on_commit(lambda: members_notify(member_ids=notified, base_url=base_url))
    return draw


def _participant_facts(member: Member) -> tuple[str, dict[str, bool]]:
    role = StakeholderRole.RESIDENT
    for value in member.volunteer.values.select_related("feature", "category"):
        if value.feature.participant_field == ParticipantField.STAKEHOLDER_ROLE:
            role = StakeholderRole(value.category.key)
    kinds = dict.fromkeys(KnowledgeType.values, False)
    if role in PRACTICE_ROLES:
        kinds[KnowledgeType.PRACTICAL] = True
    elif role == StakeholderRole.RESEARCHER:
        kinds[KnowledgeType.SCIENTIFIC] = True
    else:
        kinds[KnowledgeType.EXPERIENTIAL] = True
    return role, kinds


@transaction.atomic
def members_to_participants(*, panel: Panel, members: Iterable[Member]) -> list[Participant]:
    """Make seated members participants of the process (recruited by lot).

    A member without an account gets one, with an unusable password, from the pool
    e-mail: they claim it by resetting the password with that address. A person already
    taking part keeps their participation as it was.
    """
    created = []
    for member in members:
        volunteer = member.volunteer
        user = volunteer.user or User.objects.filter(email__iexact=volunteer.email).first()
        if user is None:
            user = User.objects.create_user(
                email=volunteer.email, password=None, display_name=volunteer.name[:80]
            )
        if volunteer.user_id != user.pk:
            volunteer.user = user
            volunteer.save(update_fields=["user"])
        role, kinds = _participant_facts(member)
        participant, _created = Participant.objects.get_or_create(
            process=panel.process,
            user=user,
            defaults={"stakeholder_role": role, "recruited_via": RecruitedVia.SORTITION, **kinds},
        )
        forget_participations(user)
        created.append(participant)
    return created


def members_notify(*, member_ids: Sequence[int], base_url: str = "") -> None:
    """E-mail the selected people and the reserves, each in their language when known."""
    for member in Member.objects.filter(pk__in=member_ids, notified_at__isnull=True).select_related(
        "volunteer__user", "draw__panel"
    ):
        volunteer = member.volunteer
        if not volunteer.email:
            continue
        language = (
            volunteer.user.preferred_language
            if volunteer.user
            else volunteer.consent_language or settings.LANGUAGE_CODE
        )
        with translation.override(language):
            send_mail(
                _message_subject(member),
                _message_body(member, base_url),
                None,
                [volunteer.email],
            )
        member.notified_at = timezone.now()
        member.save(update_fields=["notified_at"])


def _message_subject(member: Member) -> str:
    if member.status == MemberStatus.RESERVE:
        return _("You are a reserve of the citizen panel “%(panel)s”") % {
            "panel": member.draw.panel.title
        }
    return _("You are drawn for the citizen panel “%(panel)s”") % {"panel": member.draw.panel.title}


def _message_body(member: Member, base_url: str) -> str:
    link = base_url.rstrip("/") + reverse("panels:audit", args=[member.draw.panel_id])
    if member.status == MemberStatus.RESERVE:
        first = _(
            "You were drawn by lot as a reserve: if a member cannot take part, we will ask you."
        )
    else:
        first = _(
            "You were drawn by lot among the volunteers. Please tell the organisers whether "
            "you accept your seat."
        )
    return "\n\n".join(
        [
            _("Hello %(name)s,") % {"name": member.volunteer.name},
            first,
            _("Your chance of being selected was %(percent)s %%.")
            % {"percent": number_format(member.probability * 100, 1)},
            _("The draw and its audit record: %(link)s") % {"link": link},
            _("To withdraw and erase your answers at any time: %(link)s")
            % {"link": _withdrawal_link(member.volunteer, base_url)},
            _(
                "If you have no account yet, one was opened with this e-mail address: choose "
                "your password with “Forgot your password?” on the sign-in page."
            ),
        ]
    )


@transaction.atomic
def member_confirm(*, member: Member) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in (MemberStatus.SELECTED, MemberStatus.REPLACEMENT):
        raise ValidationError(_("Only a seated member can confirm."))
    member.status = MemberStatus.CONFIRMED
    member.save(update_fields=["status", "updated_at"])
    return member


@transaction.atomic
def member_replace(*, member: Member, base_url: str = "", notify: bool = True) -> list[Member]:
    """A member declines (or withdrew): draw replacements that keep the quotas, and record them.

    Newcomers fill every empty seat, drawn among the reserves first, then, if no reserve can
    restore the quotas, among the rest of the pool. The seed is the announced one plus a
    fixed offset and the number of replacements so far, so anyone can replay it. Returns the
    newcomers (none when nobody left in the pool can restore the quotas).
    """
    draw = Draw.objects.select_for_update().select_related("panel").get(pk=member.draw_id)
    member = Member.objects.select_related("volunteer").get(pk=member.pk)
    if member.is_seated:
        member.status = MemberStatus.DECLINED
        member.save(update_fields=["status", "updated_at"])
    elif member.status != MemberStatus.DECLINED or member.replaced_by.exists():
        raise ValidationError(_("Only a member who declined can be replaced."))
    newcomers = _replacements(draw=draw, replaces=member)
    members_to_participants(panel=draw.panel, members=newcomers)
    if notify:
        ids = [m.pk for m in newcomers]
        transaction.on_commit(lambda: members_notify(member_ids=ids, base_url=base_url))
    return newcomers


def _replacements(*, draw: Draw, replaces: Member) -> list[Member]:
    members = list(draw.members.select_related("volunteer"))
    staying = {m.volunteer.pseudonym for m in members if m.is_seated}
    excluded = {m.volunteer.pseudonym for m in members if m.status == MemberStatus.DECLINED}
    excluded |= set(
        draw.panel.volunteers.filter(withdrawn_at__isnull=False).values_list("pseudonym", flat=True)
    )
    reserves = {m.volunteer.pseudonym: m for m in members if m.status == MemberStatus.RESERVE}
    ids: list[str] = draw.pool["ids"]
    seed = draw.seed + REPLACEMENT_SEED_OFFSET + sum(1 for m in members if m.replaces_id)
    for candidates in (set(reserves) - excluded, set(ids) - excluded):
        try:
            result = replacement_draw(
                ids,
                draw.pool["features"],
                [tuple(q) for q in draw.quotas],
                draw.size,
                staying=sorted(staying),
                unavailable=[pid for pid in ids if pid not in candidates | staying],
                seed=seed,
                algorithm=draw.algorithm,  # type: ignore[arg-type]
            )
        except Infeasible:
            continue
        return [
            _seat(draw=draw, pseudonym=pid, replaces=replaces, seed=seed, reserve=reserves.get(pid))
            for pid in result.panel
        ]
    return []


def _seat(
    *, draw: Draw, pseudonym: str, replaces: Member, seed: int, reserve: Member | None
) -> Member:
    member = reserve or Member(
        draw=draw,
        volunteer=draw.panel.volunteers.get(pseudonym=pseudonym),
        probability=draw.probabilities.get(pseudonym, 0.0),
        rank=draw.members.count(),
    )
    member.status = MemberStatus.REPLACEMENT
    member.replaces = replaces
    member.replacement_seed = seed
    member.notified_at = None
    member.save()
    return member


def volunteer_data_export(*, user: User) -> list[dict[str, Any]]:
    """A person's volunteerings in panel pools, for their data export."""
    return [
        {
            "panel": str(v.panel.title),
            "pseudonym": v.pseudonym,
            "name": v.name,
            "email": v.email,
            "categories": {value.feature.key: value.category.key for value in v.values.all()},
            "consent_text_version": v.consent_text_version,
            "consent_language": v.consent_language,
            "consent_given_at": v.consent_given_at.isoformat(),
            "withdrawn_at": v.withdrawn_at.isoformat() if v.withdrawn_at else None,
            "memberships": [
                {"status": m.status, "probability": m.probability} for m in v.memberships.all()
            ],
        }
        for v in Volunteer.objects.filter(user=user).prefetch_related(
            "values__feature", "values__category", "memberships"
        )
    ]


@transaction.atomic
def volunteer_data_erase(*, user: User) -> None:
    """Erase a person's volunteerings when their account is deleted."""
    for volunteer in Volunteer.objects.filter(user=user, withdrawn_at__isnull=True):
        volunteer_withdraw(volunteer=volunteer)
