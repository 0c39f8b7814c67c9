"""Workshops: an activity of a phase with registrations, check-in, rounds of tables and
what each table produced.

Capacity holds under concurrent registrations: a registered person holds one numbered
place (``Registration.place``, unique per workshop, at most the capacity), taken while the
workshop row is locked. A round seats each person once (``Seat`` unique per round and
person) and stores the engine's seed, input hash and version, so the tables can be formed
again identically.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coprod.bilingual import Bilingual
from coprod.processes.models import Idea, Need, Participant, PhaseMethod


class WorkshopStatus(models.TextChoices):
    OPEN = "open", _("Registration open")
    CLOSED = "closed", _("Registration closed")
    CANCELLED = "cancelled", _("Cancelled")


class Workshop(models.Model):
    phase_method = models.OneToOneField(
        PhaseMethod, on_delete=models.CASCADE, related_name="workshop"
    )
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title = Bilingual("title")
    agenda_fr = models.TextField(_("agenda (French)"), blank=True)
    agenda_en = models.TextField(_("agenda (English)"), blank=True)
    agenda = Bilingual("agenda")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place (address)"), max_length=250, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    interpretation = models.BooleanField(_("interpretation offered"), default=False)
    childcare = models.BooleanField(_("childcare offered"), default=False)
    transport = models.BooleanField(_("transport offered"), default=False)
    meal = models.BooleanField(_("meal offered"), default=False)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    status = models.CharField(
        _("status"), max_length=10, choices=WorkshopStatus.choices, default=WorkshopStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="workshop_capacity_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="", online_link=""), name="workshop_has_a_place_or_a_link"
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def process(self):  # type: ignore[no-untyped-def]
        return self.phase_method.phase.process


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="workshop_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    # The numbered place a registered person holds: 1..capacity, unique per workshop.
    place = models.PositiveIntegerField(null=True, blank=True)
    walk_in = models.BooleanField(_("registered at the door"), default=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "participant"], name="one_registration_per_workshop"
            ),
            models.UniqueConstraint(
                fields=["workshop", "place"],
                condition=Q(place__isnull=False),
                name="one_person_per_place",
            ),
            models.CheckConstraint(
                condition=Q(status="registered", place__isnull=False)
                | (~Q(status="registered") & Q(place__isnull=True)),
                name="registered_people_hold_a_place",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="registered"),
                name="only_registered_people_check_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.workshop}"


class Round(models.Model):
    """One round of tables, formed by the grouping engine from the people present."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    rules = models.JSONField(_("rules used"), default=dict)
    seed = models.BigIntegerField(_("seed"))
    engine_version = models.CharField(max_length=20)
    input_hash = models.CharField(max_length=64, blank=True)
    diversity = models.FloatField(_("mean diversity of the tables"), default=0)
    repeated_pairs = models.PositiveIntegerField(_("pairs who had already met"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="one_round_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.workshop} · {self.number}"


class Table(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("table"))
    language = models.CharField(_("language"), max_length=5, blank=True)
    host = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="one_table_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.label}"

    @property
    def label(self) -> str:
        return str(_("Table %(number)s") % {"number": self.number + 1})


class SeatRole(models.TextChoices):
    MEMBER = "member", _("Member")
    HOST = "host", _("Table host")
    NOTE_TAKER = "note_taker", _("Note-taker")


class AssignedBy(models.TextChoices):
    ALGORITHM = "algorithm", _("Grouping engine")
    MANUAL = "manual", _("Facilitator")


class Seat(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="seats")
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=SeatRole.choices, default=SeatRole.MEMBER)
    assigned_by = models.CharField(
        max_length=10, choices=AssignedBy.choices, default=AssignedBy.ALGORITHM
    )

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["round", "participant"], name="one_seat_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.participant} · {self.table}"


class TableNote(models.Model):
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"), max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("table note")
        verbose_name_plural = _("table notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class TableContribution(models.Model):
    """A need or an idea a table produced, created in the spine with the table as origin."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="contributions")
    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    knowledge_types = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("table contribution")
        verbose_name_plural = _("table contributions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=False, idea__isnull=True)
                | Q(need__isnull=True, idea__isnull=False),
                name="table_contribution_is_a_need_or_an_idea",
            ),
            models.UniqueConstraint(fields=["idea"], name="idea_from_one_table"),
            models.UniqueConstraint(fields=["need"], name="need_from_one_table"),
        ]

    def __str__(self) -> str:
        return f"{self.table} · {self.idea or self.need}"
