"""The spine: a process about one public service, its phases (the 4 Co's), its participants,
and the chain need → idea → decision item → action → indicator → measurement.

Every link of the chain is a typed relation, so a page can follow it both ways and no
contribution is lost between a participant's words and what was done about them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coprod.accounts.models import Organisation
from coprod.bilingual import Bilingual


class KnowledgeType(models.TextChoices):
    """Whose knowledge a contribution carries (croisement des savoirs)."""

    EXPERIENTIAL = "experiential", _("Lived experience")
    PRACTICAL = "practical", _("Professional practice")
    SCIENTIFIC = "scientific", _("Research")


class IAP2Level(models.TextChoices):
    INFORM = "inform", _("Inform")
    CONSULT = "consult", _("Consult")
    INVOLVE = "involve", _("Involve")
    COLLABORATE = "collaborate", _("Collaborate")
    EMPOWER = "empower", _("Empower")


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class ProcessContext(models.TextChoices):
    ROUTINE = "routine", _("Routine service")
    PREPAREDNESS = "preparedness", _("Prevention and preparedness")
    CRISIS_RESPONSE = "crisis_response", _("Crisis response")
    RECOVERY = "recovery", _("Recovery")


class Process(models.Model):
    """A co-production process about one public service."""

    slug = models.SlugField(_("short name in the address"), max_length=80, unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    title = Bilingual("title")
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary = Bilingual("summary")
    public_service_fr = models.CharField(_("public service concerned (French)"), max_length=250)
    public_service_en = models.CharField(
        _("public service concerned (English)"), max_length=250, blank=True
    )
    public_service = Bilingual("public_service")
    mandate_fr = models.TextField(_("mandate (French)"), blank=True)
    mandate_en = models.TextField(_("mandate (English)"), blank=True)
    mandate = Bilingual("mandate")
    negotiable_fr = models.TextField(_("what is negotiable (French)"), blank=True)
    negotiable_en = models.TextField(_("what is negotiable (English)"), blank=True)
    negotiable = Bilingual("negotiable")
    non_negotiable_fr = models.TextField(_("what is not negotiable (French)"), blank=True)
    non_negotiable_en = models.TextField(_("what is not negotiable (English)"), blank=True)
    non_negotiable = Bilingual("non_negotiable")
    iap2_promised = models.CharField(
        _("promised participation level (IAP2)"),
        max_length=12,
        choices=IAP2Level.choices,
        default=IAP2Level.COLLABORATE,
    )
    context = models.CharField(
        _("context"), max_length=16, choices=ProcessContext.choices, default=ProcessContext.ROUTINE
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_processes",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_processes",
        verbose_name=_("partner organisations"),
    )
    territory = models.CharField(_("territory"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_published(self) -> bool:
        return self.status != ProcessStatus.DRAFT


class CoType(models.TextChoices):
    """The 4 Co's (Loeffler & Bovaird)."""

    CO_COMMISSIONING = "co_commissioning", _("Co-commissioning")
    CO_DESIGN = "co_design", _("Co-design")
    CO_DELIVERY = "co_delivery", _("Co-delivery")
    CO_ASSESSMENT = "co_assessment", _("Co-assessment")


class LivingLabStage(models.TextChoices):
    EXPLORATION = "exploration", _("Exploration")
    CO_CREATION = "co_creation", _("Co-creation")
    EXPERIMENTATION = "experimentation", _("Experimentation")
    EVALUATION = "evaluation", _("Evaluation")


class Phase(models.Model):
    """One step of a process, of one of the 4 Co's, with what it lets participants do."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    seq = models.PositiveSmallIntegerField(_("order"))
    co_type = models.CharField(_("kind of phase"), max_length=16, choices=CoType.choices)
    living_lab_stage = models.CharField(
        _("living-lab stage"), max_length=16, choices=LivingLabStage.choices, blank=True
    )
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title = Bilingual("title")
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description = Bilingual("description")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    iap2_promised = models.CharField(
        _("promised participation level (IAP2)"),
        max_length=12,
        choices=IAP2Level.choices,
        blank=True,
    )
    iteration = models.PositiveSmallIntegerField(_("iteration"), default=1)
    accepts_needs = models.BooleanField(_("participants may submit needs"), default=False)
    accepts_ideas = models.BooleanField(_("participants may submit ideas"), default=False)
    accepts_comments = models.BooleanField(_("participants may comment"), default=True)
    accepts_measurements = models.BooleanField(
        _("participants may enter measurements"), default=False
    )

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["process", "seq"], name="one_phase_per_seq"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.title}"


class PhaseMethod(models.Model):
    """A participation method (from ``registry.METHODS``) used in a phase."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="methods")
    method_key = models.CharField(_("method"), max_length=40)
    config = models.JSONField(_("settings"), default=dict, blank=True)

    class Meta:
        verbose_name = _("method of a phase")
        verbose_name_plural = _("methods of phases")

    def __str__(self) -> str:
        return f"{self.phase} · {self.method_key}"


class StakeholderRole(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    SERVICE_USER = "service_user", _("Service user")
    PATIENT_PARTNER = "patient_partner", _("Patient partner")
    CAREGIVER = "caregiver", _("Caregiver")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    FRONTLINE_PROFESSIONAL = "frontline_professional", _("Frontline professional")
    MANAGER = "manager", _("Manager")
    ELECTED_OFFICIAL = "elected_official", _("Elected official")
    RESEARCHER = "researcher", _("Researcher")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class ProcessRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    FACILITATOR = "facilitator", _("Facilitator")
    MODERATOR = "moderator", _("Moderator")
    NOTE_TAKER = "note_taker", _("Note-taker")
    OBSERVER = "observer", _("Observer")


class RecruitedVia(models.TextChoices):
    OPEN_CALL = "open_call", _("Open call")
    INVITATION = "invitation", _("Invitation")
    COMMUNITY_REFERRAL = "community_referral", _("Community referral")
    SORTITION = "sortition", _("Drawn by lot")
    SNOWBALL = "snowball", _("Referred by another participant")


class Participant(models.Model):
    """A person taking part in one process, with the knowledge they bring."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    stakeholder_role = models.CharField(
        _("stakeholder role"), max_length=24, choices=StakeholderRole.choices
    )
    experiential = models.BooleanField(_("lived experience"), default=False)
    practical = models.BooleanField(_("professional practice"), default=False)
    scientific = models.BooleanField(_("research"), default=False)
    process_role = models.CharField(
        _("role in the process"),
        max_length=12,
        choices=ProcessRole.choices,
        default=ProcessRole.PARTICIPANT,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("organisation"),
    )
    # How the person came to the process: the equity metrics compare people recruited by
    # lot with volunteers from an open call.
    recruited_via = models.CharField(
        _("recruited through"),
        max_length=20,
        choices=RecruitedVia.choices,
        default=RecruitedVia.OPEN_CALL,
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "user"], name="one_participation_per_process"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.process}"

    @property
    def knowledge_types(self) -> list[str]:
        return [k.value for k in KnowledgeType if getattr(self, k.value)]


class MethodVoter(models.Model):
    """Who votes in one object of a participation method: a participant, or an anonymous
    browser's token (``coprod.processes.roles.anonymous_key``). Each method adds the foreign key
    to its object and the constraints that make a voter unique there."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    anonymous_key = models.CharField(max_length=64, blank=True)
    knowledge_type = models.CharField(max_length=12, choices=KnowledgeType.choices, blank=True)
    stakeholder_role = models.CharField(max_length=24, choices=StakeholderRole.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"voter {self.pk}"


# Exactly one of participant and anonymous key: the check every method's voter table carries.
VOTER_IS_PARTICIPANT_OR_ANONYMOUS = Q(participant__isnull=False, anonymous_key="") | Q(
    participant__isnull=True
) & ~Q(anonymous_key="")


class ModeratedContribution(models.Model):
    """What needs, ideas and comments share: an author, a knowledge type, and moderation."""

    author = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    knowledge_type = models.CharField(
        _("knowledge this contribution carries"), max_length=12, choices=KnowledgeType.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class NeedStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    VALIDATED = "validated", _("Validated")
    MERGED = "merged", _("Merged")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class Need(ModeratedContribution):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="needs")
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="needs"
    )
    title_fr = models.CharField(_("need (French)"), max_length=250, blank=True)
    title_en = models.CharField(_("need (English)"), max_length=250, blank=True)
    title = Bilingual("title")
    description_fr = models.TextField(_("details (French)"), blank=True)
    description_en = models.TextField(_("details (English)"), blank=True)
    description = Bilingual("description")
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.PROPOSED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_needs",
        verbose_name=_("merged into"),
    )
    priority_rank = models.PositiveIntegerField(_("priority rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["priority_rank", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(title_fr="", title_en=""), name="need_has_a_title"),
            models.CheckConstraint(
                condition=~Q(status="out_of_scope", status_reason=""),
                name="out_of_scope_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)


class IdeaOrigin(models.TextChoices):
    PARTICIPANT = "participant", _("A participant")
    WORKSHOP = "workshop", _("A workshop table")
    OPINION_MAP = "opinion_map", _("An opinion map")
    WIKI_SURVEY = "wiki_survey", _("A wiki survey")
    STAFF = "staff", _("Public-service staff")


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Idea(ModeratedContribution):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ideas")
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    title_fr = models.CharField(_("idea (French)"), max_length=250, blank=True)
    title_en = models.CharField(_("idea (English)"), max_length=250, blank=True)
    title = Bilingual("title")
    description_fr = models.TextField(_("details (French)"), blank=True)
    description_en = models.TextField(_("details (English)"), blank=True)
    description = Bilingual("description")
    needs = models.ManyToManyField(Need, related_name="ideas", verbose_name=_("needs it addresses"))
    origin = models.CharField(
        _("origin"), max_length=12, choices=IdeaOrigin.choices, default=IdeaOrigin.PARTICIPANT
    )
    origin_note = models.CharField(_("origin details"), max_length=250, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    estimated_cost = models.DecimalField(
        _("estimated cost ($)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(title_fr="", title_en=""), name="idea_has_a_title")
        ]

    def __str__(self) -> str:
        return str(self.title)


class Comment(ModeratedContribution):
    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=2000)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=False, idea__isnull=True)
                | Q(need__isnull=True, idea__isnull=False),
                name="comment_on_exactly_one_contribution",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Decision(models.Model):
    """A decision taken by a decision body on ideas, published with its rationale."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="decisions")
    body_fr = models.CharField(_("decision body (French)"), max_length=200)
    body_en = models.CharField(_("decision body (English)"), max_length=200, blank=True)
    body = Bilingual("body")
    decided_on = models.DateField(_("decided on"))
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary = Bilingual("summary")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.body} · {self.decided_on}"


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    ADAPTED = "adapted", _("Adopted with changes")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred")


class DecisionItem(models.Model):
    """What a decision says about one idea; anything but adoption needs a rationale."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="decision_items")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    rationale_fr = models.TextField(_("rationale (French)"), blank=True)
    rationale_en = models.TextField(_("rationale (English)"), blank=True)
    rationale = Bilingual("rationale")

    class Meta:
        verbose_name = _("decision item")
        verbose_name_plural = _("decision items")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "idea"], name="one_item_per_idea_per_decision"
            ),
            models.CheckConstraint(
                condition=Q(outcome="adopted") | ~Q(rationale_fr="", rationale_en=""),
                name="rationale_required_unless_adopted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea} · {self.get_outcome_display()}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")
    SUSPENDED = "suspended", _("Suspended")
    ABANDONED = "abandoned", _("Abandoned")


class Action(models.Model):
    """What is done, together, following decision items."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="actions")
    code = models.CharField(_("code"), max_length=12, blank=True)
    title_fr = models.CharField(_("title (French)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    title = Bilingual("title")
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description = Bilingual("description")
    decision_items = models.ManyToManyField(
        DecisionItem, related_name="actions", verbose_name=_("decision items it carries out")
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner organisation"),
    )
    owner_participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("owner (person)"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress_pct = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["code", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress_pct__lte=100), name="progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class ContributorRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_DELIVERER = "co_deliverer", _("Co-deliverer")
    VOLUNTEER = "volunteer", _("Volunteer")
    FUNDER = "funder", _("Funder")


class ActionContributor(models.Model):
    """A person or an organisation who delivers an action together with others."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="contributors")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=ContributorRole.choices,
        default=ContributorRole.CO_DELIVERER,
    )
    hours = models.DecimalField(_("hours contributed"), max_digits=8, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("co-deliverer")
        verbose_name_plural = _("co-deliverers")
        constraints = [
            models.CheckConstraint(
                condition=Q(participant__isnull=False, organisation__isnull=True)
                | Q(participant__isnull=True, organisation__isnull=False),
                name="contributor_is_a_person_or_an_organisation",
            )
        ]

    def __str__(self) -> str:
        return str(self.participant or self.organisation)


class ActionUpdate(models.Model):
    """One dated step of an action's public timeline."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    happened_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    progress_pct = models.PositiveSmallIntegerField(_("progress (%)"))
    text_fr = models.TextField(_("what happened (French)"), blank=True)
    text_en = models.TextField(_("what happened (English)"), blank=True)
    text = Bilingual("text")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        ordering = ["-happened_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_pct__lte=100), name="update_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} · {self.happened_on}"


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("Higher is better")
    LOWER_BETTER = "lower_better", _("Lower is better")


class IndicatorKind(models.TextChoices):
    PROCESS = "process", _("Process")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")


class Indicator(models.Model):
    """What tells whether the actions worked, with a baseline and a target."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=12)
    name_fr = models.CharField(_("name (French)"), max_length=250)
    name_en = models.CharField(_("name (English)"), max_length=250, blank=True)
    name = Bilingual("name")
    unit = models.CharField(_("unit"), max_length=40)
    kind = models.CharField(
        _("kind"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.OUTCOME
    )
    direction = models.CharField(_("direction"), max_length=14, choices=Direction.choices)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)
    actions = models.ManyToManyField(
        Action, blank=True, related_name="indicators", verbose_name=_("actions it measures")
    )
    needs = models.ManyToManyField(
        Need, blank=True, related_name="indicators", verbose_name=_("needs it follows")
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "code"], name="one_indicator_code_per_process"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    measured_on = models.DateField(_("measured on"))
    source = models.CharField(_("source"), max_length=250, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["-measured_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.value} ({self.measured_on})"
