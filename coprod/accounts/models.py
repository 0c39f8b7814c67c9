"""People, their consents and optional self-declared profile, and organisations.

Identity (``User``) is kept apart from the optional demographic ``Profile``, which exists
only while its owner's consent to aggregate statistics is in force (Loi 25).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from coprod.bilingual import Bilingual


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Language(models.TextChoices):
    FRENCH = "fr-ca", _("Français (Québec)")
    ENGLISH = "en", _("English")


class User(AbstractUser):
    """A person who signs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"), max_length=80, help_text=_("The name other people see.")
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.FRENCH
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        if self.anonymised_at:
            return str(_("Former participant"))
        return self.display_name or self.email.split("@")[0]


class ConsentScope(models.TextChoices):
    EQUITY_STATS = "equity_stats", _("Equity statistics (self-declared profile)")
    RESEARCH_USE = "research_use", _("Use for research")
    FOLLOW_UP_CONTACT = "follow_up_contact", _("Being contacted for follow-up")


# The version of each consent text shown to people; bump it when the wording changes so
# every recorded consent says which text the person agreed to.
CONSENT_TEXT_VERSION = "2026-11-v1"


class Consent(models.Model):
    """A person's consent to one use of their data, with the text version and date."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("scope"), max_length=32, choices=ConsentScope.choices)
    text_version = models.CharField(_("text version"), max_length=32)
    language = models.CharField(_("language of the text"), max_length=5, choices=Language.choices)
    given_at = models.DateTimeField(_("given on"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            # At most one consent in force per person and scope.
            models.UniqueConstraint(
                fields=["user", "scope"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_scope_display()}"


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18_34 = "18_34", _("18 to 34")
    AGE_35_49 = "35_49", _("35 to 49")
    AGE_50_64 = "50_64", _("50 to 64")
    AGE_65_74 = "65_74", _("65 to 74")
    AGE_75_PLUS = "75_plus", _("75 and over")


class Profile(models.Model):
    """Optional self-declared facts, used only in aggregate and only with consent."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    postal_prefix = models.CharField(
        _("start of postal code"),
        max_length=3,
        blank=True,
        help_text=_("The first three characters only, for example H1W."),
    )
    languages_spoken = models.CharField(_("languages spoken"), max_length=200, blank=True)
    lives_alone = models.BooleanField(_("lives alone"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-declared profile")
        verbose_name_plural = _("self-declared profiles")

    def __str__(self) -> str:
        return f"{self.user}"


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    BOROUGH = "borough", _("Borough")
    HEALTH_NETWORK = "health_network", _("Health and social services network (CIUSSS, CISSS)")
    PUBLIC_HEALTH = "public_health", _("Public health")
    COMMUNITY = "community", _("Community organisation")
    ROUND_TABLE = "round_table", _("Neighbourhood round table")
    HOUSING_OFFICE = "housing_office", _("Housing office")
    UNIVERSITY = "university", _("University or research centre")
    LIVING_LAB = "living_lab", _("Living lab")
    NETWORK = "network", _("Network")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name = Bilingual("name")
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    members = models.ManyToManyField(User, through="Membership", related_name="organisations")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return str(self.name)


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ORGANISER = "organiser", _("Process organiser")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"
