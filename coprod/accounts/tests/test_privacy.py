"""Personal data: only with recorded consent, exportable, erasable."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from coprod.accounts import services
from coprod.accounts.models import CONSENT_TEXT_VERSION, Consent, ConsentScope, Profile, User
from coprod.processes.models import Need, Participant


def test_it_refuses_a_profile_without_consent(personas) -> None:
    with pytest.raises(ValidationError):
        services.profile_save(user=personas["participant"], data={"age_band": "65_74"})
    assert not Profile.objects.exists()


def test_it_records_consent_with_the_text_version_and_language(client_as, personas) -> None:
    client_as("participant").post(
        reverse("accounts:privacy"),
        {
            "equity_stats": "on",
            "age_band": "65_74",
            "postal_prefix": "h1w",
            "lives_alone": "true",
        },
    )
    consent = Consent.objects.get(user=personas["participant"])
    assert (consent.scope, consent.text_version, consent.withdrawn_at) == (
        ConsentScope.EQUITY_STATS,
        CONSENT_TEXT_VERSION,
        None,
    )
    profile = Profile.objects.get(user=personas["participant"])
    assert (profile.age_band, profile.postal_prefix, profile.lives_alone) == ("65_74", "H1W", True)


def test_it_refuses_a_full_postal_code_and_keeps_the_answers(client_as) -> None:
    response = client_as("participant").post(
        reverse("accounts:privacy"),
        {
            "equity_stats": "on",
            "postal_prefix": "H1W 2A3",
            "languages_spoken": "français, créole",
        },
    )
    assert response.status_code == 422
    assert "français, créole" in response.content.decode()
    assert not Profile.objects.exists()


def test_it_erases_the_profile_when_consent_is_withdrawn(client_as, personas) -> None:
    client = client_as("participant")
    client.post(reverse("accounts:privacy"), {"equity_stats": "on", "age_band": "75_plus"})
    client.post(reverse("accounts:privacy"), {"age_band": "75_plus"})
    assert not Profile.objects.exists()
    assert Consent.objects.get().withdrawn_at is not None


def test_it_exports_all_of_a_persons_data(client_as, personas, process) -> None:
    participant = Participant.objects.get(user=personas["participant"])
    Need.objects.create(
        process=process, author=participant, title_fr="Mon besoin", knowledge_type="experiential"
    )
    response = client_as("participant").get(reverse("accounts:export"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["account"]["email"] == "participant@example.org"
    assert data["needs"][0]["title_fr"] == "Mon besoin"
    assert data["participations"][0]["knowledge_types"] == ["experiential"]


def test_it_anonymises_a_deleted_account_and_keeps_its_contributions(
    client_as, personas, process
) -> None:
    user = personas["participant"]
    participant = Participant.objects.get(user=user)
    need = Need.objects.create(
        process=process, author=participant, title_fr="Mon besoin", knowledge_type="experiential"
    )
    services.consent_give(user=user, scope=ConsentScope.EQUITY_STATS, language="fr-ca")
    refused = client_as("participant").post(reverse("accounts:delete"), {"confirm": "oui"})
    assert refused.status_code == 422
    client_as("participant").post(reverse("accounts:delete"), {"confirm": "DELETE"})
    user.refresh_from_db()
    assert "participant@example.org" not in User.objects.values_list("email", flat=True)
    assert not user.is_active and not user.has_usable_password()
    assert not Consent.objects.filter(user=user).exists()
    need.refresh_from_db()
    assert need.author == participant
    page = (
        client_as("visitor")
        .get(reverse("processes:contribution", args=[process.slug, "need", need.pk]))
        .content.decode()
    )
    assert "participant@example.org" not in page
    assert user.display_name == "" and user.anonymised_at is not None


def test_it_signs_up_with_a_display_name_and_a_verified_email(client, db) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a-long-test-password-42",
            "password2": "a-long-test-password-42",
            "display_name": "Nouvelle",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert (user.display_name, user.preferred_language) == ("Nouvelle", "en")
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert response.url.endswith("/accounts/confirm-email/")


def test_it_lands_a_person_in_their_preferred_language_after_signing_in(client, personas) -> None:
    user = personas["participant"]
    user.preferred_language = "en"
    user.save()
    response = client.post(
        "/fr-ca/accounts/login/", {"login": user.email, "password": "a-long-test-password-42"}
    )
    assert response.status_code == 302
    assert response.url.startswith("/en/")
