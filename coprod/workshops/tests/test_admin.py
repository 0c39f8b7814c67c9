"""An admin edit of a registration never undoes a check-in recorded meanwhile.

Check-ins and places are written by services holding the workshop lock; the admin does not
take it, so it must write only the fields its form changed (``ChangedFieldsAdmin``).
"""

from __future__ import annotations

from coprod.testing import admin_change_url, admin_form_data, during_admin_post
from coprod.workshops import services
from coprod.workshops.models import Registration, RegistrationStatus


def test_it_keeps_a_check_in_made_while_the_admin_saves(
    workshop, make_people, staff_admin, monkeypatch
) -> None:
    registration = services.registration_create(workshop=workshop, participant=make_people(1)[0])
    stamped = registration.updated_at
    client = staff_admin(Registration)
    data = admin_form_data(client.get(admin_change_url(registration)))
    during_admin_post(
        monkeypatch, Registration, lambda: services.registration_check_in(registration=registration)
    )
    data["walk_in"] = "on"
    assert client.post(admin_change_url(registration), data).status_code == 302
    registration.refresh_from_db()
    assert registration.walk_in and registration.checked_in_at is not None
    # ``updated_at`` (auto_now) is written with the changed fields.
    assert registration.updated_at > stamped


def test_it_shows_places_and_check_ins_without_letting_them_be_posted(
    workshop, make_people, staff_admin
) -> None:
    registration = services.registration_create(workshop=workshop, participant=make_people(1)[0])
    client = staff_admin(Registration)
    response = client.get(admin_change_url(registration))
    assert {"status", "place", "checked_in_at"}.isdisjoint(
        response.context["adminform"].form.fields
    )
    data = admin_form_data(response) | {"status": RegistrationStatus.CANCELLED, "place": "7"}
    assert client.post(admin_change_url(registration), data).status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.place) == (RegistrationStatus.REGISTERED, 1)
