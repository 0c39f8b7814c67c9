"""Pairwise wiki surveys (All Our Ideas-style): items, appearances, votes and skips, results.

A vote is counted exactly once: every pair shown to a voter is an ``Appearance`` (with the
seed that drew it), and an appearance has at most one ``Answer`` (a one-to-one field, so a
unique constraint): a retried or doubled submission of the same appearance finds the answer
already there. An answer is either a vote (winner and loser) or a skip (a reason, no effect
on scores).

The voting page never reads the survey's answers: it reads counters kept in the transaction
that records a vote (``Item.votes`` and ``PairTally``), so drawing a pair costs the same with
500 answers or 500,000 (see ``docs/method-wiki-surveys.md``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coprod.bilingual import Bilingual
from coprod.processes.models import (
    VOTER_IS_PARTICIPANT_OR_ANONYMOUS,
    Idea,
    MethodVoter,
    Need,
    PhaseMethod,
)


class Survey(models.Model):
    phase_method = models.OneToOneField(
        PhaseMethod, on_delete=models.CASCADE, related_name="wikisurvey"
    )
    question_fr = models.CharField(_("question (French)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    question = Bilingual("question")
    description_fr = models.TextField(_("context (French)"), blank=True)
    description_en = models.TextField(_("context (English)"), blank=True)
    description = Bilingual("description")
    allow_anonymous = models.BooleanField(_("people may vote without an account"), default=False)
    accepts_items = models.BooleanField(_("participants may add their own items"), default=True)
    items_premoderated = models.BooleanField(
        _("added items are checked before they are shown"), default=False
    )
    paper_grace_days = models.PositiveSmallIntegerField(
        _("days to enter paper sheets after the close"),
        default=0,
        help_text=_("Paper sheets filled in before the close can still be typed in this long."),
    )
    is_open = models.BooleanField(_("open for votes"), default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Bradley-Terry log-strengths by item id, for the pair choice; refitted by a background
    # task (``tasks.refresh_survey``) once enough answers came in since ``strengths_votes``
    # (the survey's votes and skips when they were fitted). ``strengths_requested_at`` is
    # when the last refit was asked for: the throttle that asks once, not once per vote.
    strengths = models.JSONField(default=dict, blank=True)
    strengths_votes = models.PositiveIntegerField(default=0)
    strengths_requested_at = models.DateTimeField(null=True, blank=True)
    # When fresh results were last asked for because the items changed (the same throttle
    # for ``tasks.refresh_results``): N items submitted together make one recompute.
    results_requested_at = models.DateTimeField(null=True, blank=True)
    # Skips (can't decide) recorded, online and on paper: counted with the skip, like
    # ``Item.votes`` for votes, so a refresh is asked for and the results page sees that
    # its snapshot lags by skips too, without counting answers.
    skips = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wiki survey")
        verbose_name_plural = _("wiki surveys")

    def __str__(self) -> str:
        return str(self.question)

    @property
    def process(self):  # type: ignore[no-untyped-def]
        return self.phase_method.phase.process


class Voter(MethodVoter):
    """Who votes in one survey: a participant, or an anonymous browser's token."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="voters")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participant"],
                condition=Q(participant__isnull=False),
                name="one_survey_voter_per_participant",
            ),
            models.UniqueConstraint(
                fields=["survey", "anonymous_key"],
                condition=~Q(anonymous_key=""),
                name="one_survey_voter_per_anonymous_key",
            ),
            models.CheckConstraint(
                condition=VOTER_IS_PARTICIPANT_OR_ANONYMOUS,
                name="survey_voter_is_a_participant_or_anonymous",
            ),
        ]


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("Shown in pairs")
    PENDING = "pending", _("Waiting for moderation")
    REJECTED = "rejected", _("Rejected")


class Item(models.Model):
    """One thing to compare: a need or an idea of the process, or a participant's own item."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="items")
    text_fr = models.CharField(_("item (French)"), max_length=250, blank=True)
    text_en = models.CharField(_("item (English)"), max_length=250, blank=True)
    text = Bilingual("text")
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="wikisurvey_items"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="wikisurvey_items"
    )
    added_by = models.ForeignKey(
        Voter, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    status = models.CharField(_("moderation"), max_length=10, choices=ItemStatus.choices)
    # Votes this item took part in, against any item whatever its status now; counted with
    # the vote (``tallies.tally_votes``). Skips are not votes and do not count.
    votes = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text_fr="", text_en=""), name="wikisurvey_item_has_a_text"
            ),
            models.UniqueConstraint(
                fields=["survey", "need"],
                condition=Q(need__isnull=False),
                name="one_item_per_need",
            ),
            models.UniqueConstraint(
                fields=["survey", "idea"],
                condition=Q(idea__isnull=False),
                name="one_item_per_idea",
            ),
        ]

    def __str__(self) -> str:
        return str(self.text)

    @property
    def lang(self) -> str:
        """The language the text is shown in, for the ``lang`` attribute."""
        from coprod.bilingual import active_suffix

        suffix = active_suffix()
        if not getattr(self, f"text_{suffix}"):
            suffix = "en" if suffix == "fr" else "fr"
        return "en" if suffix == "en" else "fr-CA"


class Appearance(models.Model):
    """A pair shown to a voter, drawn by ``coprod_engine.pairwise.next_pair`` with ``seed``."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="appearances")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="appearances")
    left = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    seed = models.BigIntegerField()
    shown_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(left=models.F("right")), name="appearance_of_two_items"
            )
        ]

    def __str__(self) -> str:
        return f"{self.left_id} / {self.right_id}"


class SkipReason(models.TextChoices):
    LIKE_BOTH = "like_both", _("I like both")
    DISLIKE_BOTH = "dislike_both", _("I dislike both")
    DONT_KNOW = "dont_know", _("I don't know enough")
    OTHER = "other", _("Another reason")
    UNSTATED = "unstated", _("No reason given (paper sheet)")


class Answer(models.Model):
    """The one answer to an appearance: a vote (winner, loser) or a skip (a reason)."""

    appearance = models.OneToOneField(Appearance, on_delete=models.CASCADE, related_name="answer")
    winner = models.ForeignKey(Item, on_delete=models.CASCADE, null=True, related_name="+")
    loser = models.ForeignKey(Item, on_delete=models.CASCADE, null=True, related_name="+")
    skip_reason = models.CharField(max_length=14, choices=SkipReason.choices, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(winner__isnull=False, loser__isnull=False, skip_reason="")
                | Q(winner__isnull=True, loser__isnull=True) & ~Q(skip_reason=""),
                name="answer_is_a_vote_or_a_skip",
            )
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"

    @property
    def is_skip(self) -> bool:
        return self.winner_id is None


class PairTally(models.Model):
    """Votes on one unordered pair of items (``low`` has the smaller id), either way.

    Counted with the vote, like ``Item.votes``. The pair choice reads only the pairs with many
    votes (the index on ``votes``), and the pairs of items no longer active.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pair_tallies")
    low = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="one_tally_per_pair"),
            models.CheckConstraint(
                condition=Q(low__lt=models.F("high")), name="tally_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["survey", "votes"], name="tally_votes_of_survey")]

    def __str__(self) -> str:
        return f"{self.low_id} / {self.high_id}: {self.votes}"


class SurveyResult(models.Model):
    """A snapshot of the ranking, with what is needed to audit it, kept when carried forward."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="results")
    computed_at = models.DateTimeField(auto_now_add=True)
    engine_version = models.CharField(max_length=20)
    input_hash = models.CharField(max_length=64)
    n_votes = models.PositiveIntegerField()
    result = models.JSONField()

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.computed_at:%Y-%m-%d %H:%M}"


class ResultsSnapshot(models.Model):
    """What the public results page shows, computed from every answer: aggregates only.

    One per survey, replaced when recomputed (by the background task every few votes and after
    the items change, or by the page itself when there is none, or when the survey is closed
    and it lags): the page reads this row instead of the answers. ``content`` holds the active
    item ids it ranks, the ranking rows (scores, Bradley-Terry probability and interval,
    counts) and the scores per knowledge type and per stakeholder role, without the scores of
    groups too small to stay anonymous. Never who voted what.
    """

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="results_snapshot")
    # When the answers behind it were read (not when it was written): a computation that read
    # them earlier never replaces it.
    computed_at = models.DateTimeField()
    engine_version = models.CharField(max_length=20)
    input_hash = models.CharField(max_length=64, blank=True)
    # The answers read (votes and skips, about any item) and the largest answer id among them:
    # ids only grow, so an answer added or deleted since changes one of the two.
    answers = models.PositiveIntegerField()
    last_answer_id = models.BigIntegerField(default=0)
    # The survey's vote counters (``Item.votes``) read just before the answers: the page
    # compares them with the counters now to say that it lags, without counting answers.
    tallied_votes = models.PositiveIntegerField(default=0)
    # ``Survey.skips`` read with them: a snapshot behind by skips alone lags too.
    tallied_skips = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField()
    skips = models.PositiveIntegerField()
    voters = models.PositiveIntegerField()
    content = models.JSONField()

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.answers} answers · {self.computed_at:%Y-%m-%d %H:%M}"


class PaperSheet(models.Model):
    """A printed sheet of pairs, numbered; its pairs are the appearances of its own voter.

    Typing its answers creates at most one answer per pair (the appearance's one-to-one
    answer), so a sheet typed twice, or by two people at once, counts once.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="paper_sheets")
    number = models.PositiveIntegerField(_("sheet number"))
    voter = models.OneToOneField(Voter, on_delete=models.CASCADE, related_name="paper_sheet")
    seed = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    entered_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="one_paper_sheet_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} · {self.number}"
