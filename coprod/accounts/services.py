"""Writes about people: consents, the optional profile, data export and account deletion."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coprod.accounts.models import CONSENT_TEXT_VERSION, Consent, ConsentScope, Profile, User

PROFILE_FIELDS = ("age_band", "postal_prefix", "languages_spoken", "lives_alone")


def active_consent(user: User, scope: str) -> Consent | None:
    return user.consents.filter(scope=scope, withdrawn_at__isnull=True).first()


@transaction.atomic
def consent_give(*, user: User, scope: str, language: str) -> Consent:
    """Record consent to one use, with the version of the text shown; giving it twice is a no-op."""
    existing = active_consent(user, scope)
    if existing and existing.text_version == CONSENT_TEXT_VERSION:
        return existing
    if existing:
        existing.withdrawn_at = timezone.now()
        existing.save(update_fields=["withdrawn_at"])
    return Consent.objects.create(
        user=user, scope=scope, text_version=CONSENT_TEXT_VERSION, language=language
    )


@transaction.atomic
def consent_withdraw(*, user: User, scope: str) -> None:
    """Withdraw a consent; withdrawing the equity-statistics one erases the profile it covered."""
    consent = active_consent(user, scope)
    if consent is None:
        return
    if scope == ConsentScope.EQUITY_STATS:
        Profile.objects.filter(user=user).delete()
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])


@transaction.atomic
def profile_save(*, user: User, data: dict[str, Any]) -> Profile:
    """Store self-declared facts, only under a consent in force to their use in statistics."""
    consent = active_consent(user, ConsentScope.EQUITY_STATS)
    if consent is None:
        raise ValidationError(_("Give your consent before filling in this profile."))
    values = {name: data.get(name) for name in PROFILE_FIELDS}
    values["postal_prefix"] = (values["postal_prefix"] or "").upper()[:3]
    profile, _created = Profile.objects.update_or_create(
        user=user, defaults={**values, "consent": consent}
    )
    return profile


def account_export(*, user: User) -> dict[str, Any]:
    """Everything Coprod keeps about a person, as plain data (their right of access)."""
    from coprod.processes.models import Comment, Idea, Need, Participant
    from coprod.processes.registry import PERSONAL_DATA

    participations = Participant.objects.filter(user=user).select_related("process", "organisation")
    mine = {"author__user": user}
    profile = Profile.objects.filter(user=user).first()
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
        },
        "consents": [
            {
                "scope": c.scope,
                "text_version": c.text_version,
                "language": c.language,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in user.consents.order_by("given_at")
        ],
        "profile": {name: getattr(profile, name) for name in PROFILE_FIELDS} if profile else None,
        "organisations": [
            str(m.organisation) for m in user.memberships.select_related("organisation")
        ],
        "participations": [
            {
                "process": p.process.slug,
                "stakeholder_role": p.stakeholder_role,
                "knowledge_types": p.knowledge_types,
                "process_role": p.process_role,
                "organisation": str(p.organisation) if p.organisation else None,
                "joined_at": p.joined_at.isoformat(),
            }
            for p in participations
        ],
        "needs": [_contribution(n) for n in Need.objects.filter(**mine)],
        "ideas": [_contribution(i) for i in Idea.objects.filter(**mine)],
        "comments": [
            {
                "body": c.body,
                "knowledge_type": c.knowledge_type,
                "created_at": c.created_at.isoformat(),
            }
            for c in Comment.objects.filter(**mine)
        ],
        **{holder.key: holder.export(user=user) for holder in PERSONAL_DATA},
    }


def _contribution(obj: Any) -> dict[str, Any]:
    return {
        "process": obj.process.slug,
        "title_fr": obj.title_fr,
        "title_en": obj.title_en,
        "description_fr": obj.description_fr,
        "description_en": obj.description_en,
        "knowledge_type": obj.knowledge_type,
        "created_at": obj.created_at.isoformat(),
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase a person: identity, profile and consents go; contributions stay, anonymised.

    The user row is kept as an empty shell so contributions keep their participant (and the
    process its counts by knowledge type and role), but nothing identifies the person any more.
    """
    from coprod.processes.registry import PERSONAL_DATA

    for holder in PERSONAL_DATA:
        holder.erase(user=user)
    Profile.objects.filter(user=user).delete()
    user.consents.all().delete()
    user.memberships.all().delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"deleted-{uuid.uuid4().hex}@invalid"
    user.display_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.save()
