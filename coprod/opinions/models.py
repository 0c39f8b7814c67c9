"""Opinion maps (Polis-style conversations): statements, voters, votes and computed maps.

A vote is counted exactly once: ``Vote`` holds one current vote per voter and statement
(a unique constraint, written with an upsert), and ``VoteEvent`` keeps every submission with
its idempotency key, so a retried request is recognised instead of being counted again.
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


class Conversation(models.Model):
    phase_method = models.OneToOneField(
        PhaseMethod, on_delete=models.CASCADE, related_name="conversation"
    )
    question_fr = models.CharField(_("question (French)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    question = Bilingual("question")
    description_fr = models.TextField(_("context (French)"), blank=True)
    description_en = models.TextField(_("context (English)"), blank=True)
    description = Bilingual("description")
    allow_anonymous = models.BooleanField(
        _("people may vote without an account"),
        default=False,
        help_text=_(
            "They are then counted without a knowledge type or role, unless they declare one."
        ),
    )
    accepts_statements = models.BooleanField(_("participants may write statements"), default=True)
    statements_premoderated = models.BooleanField(
        _("statements are checked before they are shown"), default=False
    )
    statement_max_length = models.PositiveSmallIntegerField(
        _("longest statement (characters)"), default=140
    )
    is_open = models.BooleanField(_("open for votes"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return str(self.question)

    @property
    def process(self):  # type: ignore[no-untyped-def]
        return self.phase_method.phase.process


class Voter(MethodVoter):
    """Who votes in one conversation: a participant, or an anonymous browser's token."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="voters")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "participant"],
                condition=Q(participant__isnull=False),
                name="one_voter_per_participant",
            ),
            models.UniqueConstraint(
                fields=["conversation", "anonymous_key"],
                condition=~Q(anonymous_key=""),
                name="one_voter_per_anonymous_key",
            ),
            models.CheckConstraint(
                condition=VOTER_IS_PARTICIPANT_OR_ANONYMOUS,
                name="voter_is_a_participant_or_anonymous",
            ),
        ]


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    META = "meta", _("About the conversation itself")


class Statement(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(_("statement"), max_length=500)
    normalised = models.CharField(max_length=500, editable=False)
    author = models.ForeignKey(
        Voter, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    is_seed = models.BooleanField(_("seed statement"), default=False)
    status = models.CharField(_("moderation"), max_length=10, choices=StatementStatus.choices)
    # Set only by a person's decision (``statement_moderate``), never by a submission or an
    # import: a later Polis import leaves a statement a person moderated as they decided.
    # SET_NULL: deleting the account keeps the statement and the fact it was moderated.
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated on"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("looks like"),
    )
    polis_tid = models.IntegerField(_("Polis statement id"), null=True, blank=True, editable=False)
    promoted_need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promoted_idea = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["id"]
        constraints = [
            # Importing the same Polis export twice updates it instead of doubling it.
            models.UniqueConstraint(
                fields=["conversation", "polis_tid"], name="one_statement_per_polis_tid"
            )
        ]

    def __str__(self) -> str:
        return self.text


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class Vote(models.Model):
    """A voter's current vote on a statement: exactly one, enforced by the database."""

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["voter", "statement"], name="one_current_vote"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_known"),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} · {self.statement_id} · {self.value}"


class VoteEvent(models.Model):
    """Every vote submission, kept for history; a retry carries the same key and is not new."""

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="vote_events")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    submission_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["voter", "submission_key"], name="one_event_per_submission"
            )
        ]

    def __str__(self) -> str:
        return self.submission_key


class OpinionMapResult(models.Model):
    """A computed map, with what is needed to audit and replay it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="results")
    computed_at = models.DateTimeField(auto_now_add=True)
    engine_version = models.CharField(max_length=20)
    input_hash = models.CharField(max_length=64)
    n_votes = models.PositiveIntegerField()
    result = models.JSONField()
    # The engine's state after this map (vote matrix, PCA block, clusters, k-smoother), so the
    # next map folds in only the votes since ``votes_read_at``. Only the latest map keeps it;
    # a state from another engine version is ignored.
    engine_state = models.BinaryField(null=True, blank=True, editable=False)
    votes_read_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"{self.conversation_id} · {self.computed_at:%Y-%m-%d %H:%M}"
