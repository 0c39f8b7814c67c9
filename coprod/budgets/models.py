"""Participatory budgets: an envelope, projects from adopted ideas, ballots and results.

A ballot is counted exactly once: ``Ballot`` is unique per (budget, voter), and every
submission carries a key stored in ``BallotSubmission`` (unique per voter), so a retried
request is recognised instead of changing or doubling anything. Paper ballots count only
once two entries agree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coprod.bilingual import Bilingual
from coprod.processes.models import Action, Idea, Need, Participant, PhaseMethod


class Rule(models.TextChoices):
    EQUAL_SHARES = "mes_add1", _("Method of Equal Shares (completed by raising the shares)")
    GREEDY = "greedy", _("Most votes first (greedy)")
    PHRAGMEN = "phragmen", _("Sequential Phragmén")


class TieBreaking(models.TextChoices):
    PROJECT_ID = "project_id", _("The project with the smallest number (as pabutools)")
    LOT = (
        "lot",
        _(
            "The cheaper project, then the one with more votes, then a lot drawn with a "
            "published seed (as equalshares.net)"
        ),
    )


class Budget(models.Model):
    phase_method = models.OneToOneField(
        PhaseMethod, on_delete=models.CASCADE, related_name="budget"
    )
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title = Bilingual("title")
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description = Bilingual("description")
    envelope = models.PositiveIntegerField(_("envelope ($)"))
    min_projects = models.PositiveSmallIntegerField(
        _("fewest projects per ballot"), null=True, blank=True
    )
    max_projects = models.PositiveSmallIntegerField(
        _("most projects per ballot"), null=True, blank=True
    )
    rule = models.CharField(
        _("counting rule"), max_length=10, choices=Rule.choices, default=Rule.EQUAL_SHARES
    )
    tie_breaking = models.CharField(
        _("a tie between projects goes to"),
        max_length=10,
        choices=TieBreaking.choices,
        default=TieBreaking.PROJECT_ID,
    )
    lot_seed = models.BigIntegerField(
        _("seed of the lot"),
        null=True,
        blank=True,
        help_text=_("Drawn once when the lot is chosen, shown on the ballot and the results."),
    )
    paper_grace_days = models.PositiveSmallIntegerField(
        _("days to enter paper ballots after the close"),
        default=0,
        help_text=_("Paper ballots collected before the close can still be typed in this long."),
    )
    is_open = models.BooleanField(_("open for votes"), default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        constraints = [
            models.CheckConstraint(condition=Q(envelope__gt=0), name="budget_envelope_positive"),
            models.CheckConstraint(
                condition=Q(min_projects__isnull=True)
                | Q(max_projects__isnull=True)
                | Q(min_projects__lte=models.F("max_projects")),
                name="budget_min_at_most_max",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def process(self):  # type: ignore[no-untyped-def]
        return self.phase_method.phase.process


class Project(models.Model):
    """A costed project put to the vote, made from an adopted idea (and so tied to its needs)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    idea = models.ForeignKey(
        Idea, on_delete=models.PROTECT, related_name="budget_projects", verbose_name=_("idea")
    )
    title_fr = models.CharField(_("title (French)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    title = Bilingual("title")
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description = Bilingual("description")
    feasibility_fr = models.TextField(_("feasibility note (French)"), blank=True)
    feasibility_en = models.TextField(_("feasibility note (English)"), blank=True)
    feasibility = Bilingual("feasibility")
    cost = models.PositiveIntegerField(_("cost ($)"))
    needs = models.ManyToManyField(
        Need, blank=True, related_name="budget_projects", verbose_name=_("needs it answers")
    )
    action = models.OneToOneField(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="budget_project"
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "idea"], name="one_project_per_idea"),
            models.CheckConstraint(condition=Q(cost__gt=0), name="project_cost_positive"),
        ]

    def __str__(self) -> str:
        return str(self.title)


class Ballot(models.Model):
    """A voter's current ballot: exactly one per budget, enforced by the database."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    projects = models.ManyToManyField(Project, related_name="ballots", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "voter"], name="one_ballot_per_voter")
        ]

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class BallotSubmission(models.Model):
    """Every ballot submission, once per key: a retried request is not a new submission."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="submissions")
    submission_key = models.CharField(max_length=64)
    project_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "submission_key"], name="one_ballot_submission_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.submission_key


class PaperBallot(models.Model):
    """A paper ballot, by the number written on it; it counts once two entries agree."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="paper_ballots")
    reference = models.CharField(_("ballot number"), max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "reference"], name="one_paper_ballot_per_ref")
        ]

    def __str__(self) -> str:
        return self.reference


class PaperEntry(models.Model):
    """One staff member's typing of a paper ballot: the first or the second (check) entry."""

    paper_ballot = models.ForeignKey(PaperBallot, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveSmallIntegerField()
    project_ids = models.JSONField(default=list)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["paper_ballot", "seq"], name="one_paper_entry_per_seq"),
            models.CheckConstraint(condition=Q(seq__in=[1, 2]), name="paper_entry_first_or_second"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_ballot_id} · {self.seq}"


class BudgetResult(models.Model):
    """A computed outcome, with what is needed to audit and replay it (never a ballot)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="results")
    computed_at = models.DateTimeField(auto_now_add=True)
    rule = models.CharField(max_length=10, choices=Rule.choices)
    tie_breaking = models.CharField(
        max_length=10, choices=TieBreaking.choices, default=TieBreaking.PROJECT_ID
    )
    seed = models.BigIntegerField(null=True, blank=True)
    engine_version = models.CharField(max_length=20)
    input_hash = models.CharField(max_length=64)
    n_ballots = models.PositiveIntegerField()
    result = models.JSONField()
    greedy_result = models.JSONField()

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"{self.budget_id} · {self.computed_at:%Y-%m-%d %H:%M}"
