"""Citizen panels drawn by lot: the pool of volunteers, the quotas, the draw and its audit record.

A volunteer's feature values (age band, gender, borough sector...) exist only under a
recorded consent to their use for the draw; withdrawing erases them. The pool, the quotas
and the panel size are frozen when the seed is announced, so nobody who knows the seed can
still shape the pool; the draw is then recorded once (``Draw`` is one per panel) with what
anyone needs to replay it: the input hash, the seed, the engine version and the algorithm.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coprod.bilingual import Bilingual
from coprod.processes.models import PhaseMethod


class Algorithm(models.TextChoices):
    LEXIMIN = "leximin", _("LEXIMIN (chances as equal as the quotas allow)")
    LEGACY = "legacy", _("Greedy draw of the Sortition Foundation (for comparison)")


class PanelStatus(models.TextChoices):
    RECRUITING = "recruiting", _("Recruiting volunteers")
    ANNOUNCED = "announced", _("Seed announced, pool frozen")
    DRAWN = "drawn", _("Drawn")


class Panel(models.Model):
    phase_method = models.OneToOneField(PhaseMethod, on_delete=models.CASCADE, related_name="panel")
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title = Bilingual("title")
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description = Bilingual("description")
    size = models.PositiveSmallIntegerField(_("panel size"))
    reserves = models.PositiveSmallIntegerField(_("reserves"), default=0)
    algorithm = models.CharField(
        _("algorithm"), max_length=10, choices=Algorithm.choices, default=Algorithm.LEXIMIN
    )
    status = models.CharField(
        max_length=10, choices=PanelStatus.choices, default=PanelStatus.RECRUITING
    )
    # Announced before the draw and never changed afterwards (panel_announce refuses twice).
    seed = models.BigIntegerField(_("seed of the draw"), null=True, blank=True, editable=False)
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    announced_input_hash = models.CharField(max_length=64, blank=True, editable=False)
    draw_planned_at = models.DateTimeField(_("planned time of the draw"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen panel")
        verbose_name_plural = _("citizen panels")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="panel_size_positive"),
            models.CheckConstraint(
                condition=Q(status="recruiting") | Q(seed__isnull=False),
                name="panel_seed_before_draw",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def process(self):  # type: ignore[no-untyped-def]
        return self.phase_method.phase.process

    @property
    def is_recruiting(self) -> bool:
        return self.status == PanelStatus.RECRUITING


class ParticipantField(models.TextChoices):
    NONE = "", _("None")
    STAKEHOLDER_ROLE = "stakeholder_role", _("Stakeholder role of the participant")


class Feature(models.Model):
    """A characteristic the quotas balance (age band, gender, sector...), with its categories."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="features")
    key = models.SlugField(_("column name"), max_length=40)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    label = Bilingual("label")
    # When set, a member's category becomes this field of their participation (the category
    # keys must then be values of that field, e.g. ``caregiver``).
    participant_field = models.CharField(
        max_length=20, choices=ParticipantField.choices, blank=True, default=""
    )
    seq = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "key"], name="one_feature_per_key"),
        ]

    def __str__(self) -> str:
        return str(self.label)


class Category(models.Model):
    """One value of a feature and its quota: between ``quota_min`` and ``quota_max`` members."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="categories")
    key = models.SlugField(_("value"), max_length=40)
    label_fr = models.CharField(_("label (French)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    label = Bilingual("label")
    quota_min = models.PositiveSmallIntegerField(_("at least"), default=0)
    # None: no upper bound but the panel size.
    quota_max = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    seq = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["seq", "id"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["feature", "key"], name="one_category_per_key"),
            models.CheckConstraint(
                condition=Q(quota_max__isnull=True) | Q(quota_min__lte=models.F("quota_max")),
                name="category_quota_min_at_most_max",
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)


class VolunteerSource(models.TextChoices):
    FORM = "form", _("Recruitment form")
    IMPORT = "import", _("Imported file")


def new_pseudonym() -> str:
    """The public, meaningless id of a volunteer (what the audit record and the CLI see)."""
    return "V-" + secrets.token_hex(4).upper()


def new_withdrawal_token() -> str:
    """The secret in a volunteer's private withdrawal link (sent to them by e-mail)."""
    return secrets.token_urlsafe(24)


class Volunteer(models.Model):
    """A person in the pool. Feature values exist only under the consent recorded here."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="volunteers")
    pseudonym = models.CharField(max_length=12, default=new_pseudonym, editable=False)
    withdrawal_token = models.CharField(
        max_length=40, default=new_withdrawal_token, editable=False, unique=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="panel_volunteerings",
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail address"))
    source = models.CharField(max_length=8, choices=VolunteerSource.choices)
    # The consent to the use of the feature values for the draw: the text version and
    # language shown (form), or the facilitator's attestation of where it was collected (import).
    consent_text_version = models.CharField(max_length=40)
    consent_language = models.CharField(max_length=5, blank=True)
    consent_source = models.CharField(max_length=200, blank=True)
    consent_given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "pseudonym"], name="one_pseudonym_per_panel"),
            models.UniqueConstraint(
                fields=["panel", "email"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_volunteering_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def in_pool(self) -> bool:
        return self.withdrawn_at is None


class VolunteerValue(models.Model):
    """A volunteer's category for one feature (one per feature, by the database)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="values")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="values")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "feature"], name="one_value_per_feature")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} · {self.category_id}"


class Draw(models.Model):
    """The public audit record of a panel's draw: exactly one per panel.

    ``pool`` and ``quotas`` keep the pseudonymous input of the draw (ids and categories, no
    names), so the replay bundle still gives the same panel after volunteers withdraw.
    """

    panel = models.OneToOneField(Panel, on_delete=models.CASCADE, related_name="draw")
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    seed = models.BigIntegerField()
    input_hash = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices)
    size = models.PositiveSmallIntegerField()
    pool_size = models.PositiveIntegerField()
    panel_ids = models.JSONField(default=list)
    probability_min = models.FloatField()
    probability_max = models.FloatField()
    probability_mean = models.FloatField()
    probability_gini = models.FloatField()
    probabilities = models.JSONField(default=dict)
    pool = models.JSONField(default=dict)
    quotas = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.panel_id} · {self.drawn_at:%Y-%m-%d %H:%M}"


class MemberStatus(models.TextChoices):
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    REPLACEMENT = "replacement", _("Replacement")


SEATED = (MemberStatus.SELECTED, MemberStatus.CONFIRMED, MemberStatus.REPLACEMENT)


class Member(models.Model):
    """A volunteer drawn on the panel or as a reserve, with their selection probability."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(max_length=12, choices=MemberStatus.choices)
    probability = models.FloatField()
    rank = models.PositiveSmallIntegerField(default=0)
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    # The seed of the replacement draw that brought this member in (None for the first draw).
    replacement_seed = models.BigIntegerField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "volunteer"], name="one_membership_per_draw"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.status}"

    @property
    def is_seated(self) -> bool:
        return self.status in SEATED
