"""Personas and a process, defined once for every test of the platform (a pytest plugin)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coprod.accounts.models import Organisation, OrganisationKind, User
from coprod.processes import services
from coprod.processes.models import (
    CoType,
    Phase,
    Process,
    ProcessRole,
    ProcessStatus,
    StakeholderRole,
)

PASSWORD = "a-long-test-password-42"
ROLES = (
    "visitor",
    "signed_in",
    "participant",
    "observer",
    "note_taker",
    "moderator",
    "facilitator",
    "staff",
)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(
        name_fr="Arrondissement de test", name_en="Test borough", kind=OrganisationKind.BOROUGH
    )


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(email: str, **extra: object) -> User:
        user = User.objects.create_user(
            email=email, password=PASSWORD, display_name=email.split("@")[0], **extra
        )
        # A verified address, as after the confirmation e-mail, so the persona can sign in.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def process(organisation: Organisation, make_user: Callable[..., User]) -> Process:
    """A published process whose co-commissioning phase is open today and accepts needs and ideas."""
    facilitator = make_user("facilitator@example.org")
    process = services.process_create(
        created_by=facilitator,
        lead_organisation=organisation,
        fields={
            "slug": "heat",
            "title_fr": "Chaleur extrême",
            "title_en": "Extreme heat",
            "public_service_fr": "Prévention de la chaleur",
            "public_service_en": "Heat prevention",
            "status": ProcessStatus.PUBLISHED,
        },
    )
    today = timezone.localdate()
    Phase.objects.create(
        process=process,
        seq=1,
        co_type=CoType.CO_COMMISSIONING,
        title_fr="Besoins",
        title_en="Needs",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        accepts_needs=True,
        accepts_ideas=True,
        accepts_comments=True,
    )
    return process


@pytest.fixture
def personas(process: Process, make_user: Callable[..., User]) -> dict[str, User | None]:
    """One person per role in ``process``; the visitor is anonymous (None)."""
    people: dict[str, User | None] = {
        "visitor": None,
        "signed_in": make_user("someone@example.org"),
    }
    for role in ("participant", "observer", "note_taker", "moderator"):
        user = make_user(f"{role}@example.org")
        services.participant_join(
            process=process,
            user=user,
            stakeholder_role=StakeholderRole.RESIDENT,
            knowledge_types=["experiential"],
            process_role=getattr(ProcessRole, role.upper()),
        )
        people[role] = user
    people["facilitator"] = User.objects.get(email="facilitator@example.org")
    people["staff"] = make_user("staff@example.org", is_staff=True)
    return people


@pytest.fixture
def client_as(personas: dict[str, User | None]) -> Callable[[str], Client]:
    def login(role: str) -> Client:
        client = Client()
        user = personas[role]
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: a request in English must not leak into the next."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def staff_admin(personas: dict[str, User | None]) -> Callable[[type[Model]], Client]:
    """A client signed in as the staff persona, allowed to view and change ``model`` in the admin."""

    def login(model: type[Model]) -> Client:
        staff = personas["staff"]
        assert staff is not None
        content_type = ContentType.objects.get_for_model(model)
        staff.user_permissions.add(
            *Permission.objects.filter(
                content_type=content_type,
                codename__in=[f"view_{model._meta.model_name}", f"change_{model._meta.model_name}"],
            )
        )
        client = Client()
        client.force_login(staff)
        return client

    return login


def admin_form_data(response: HttpResponse) -> dict[str, str | list[str]]:
    """What the admin change form in ``response`` posts back when nothing is touched.

    Enough for text, number, choice, check-box and related fields (not split date-times).
    """
    form = response.context["adminform"].form  # type: ignore[attr-defined]
    data: dict[str, str | list[str]] = {}
    for bound in form:
        value = bound.value()
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):  # a many-to-many field: one entry per choice
            data[bound.html_name] = [str(choice) for choice in value]
        elif value is not False:
            data[bound.html_name] = "" if value is None else str(value)
    return data


def admin_change_url(obj: Model) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def during_admin_post(
    monkeypatch: pytest.MonkeyPatch, model: type[Model], write: Callable[[], object]
) -> None:
    """Run ``write`` when the admin has read the object of a POST and not yet saved it: a
    concurrent vote or task landing in the window where a full save would undo it."""
    model_admin = admin.site.get_model_admin(model)
    read = model_admin.get_object

    def read_then_write(*args: Any, **kwargs: Any) -> Model | None:
        found = read(*args, **kwargs)
        write()
        return found

    monkeypatch.setattr(model_admin, "get_object", read_then_write)
