"""Forms of the spine. Each one validates with a translated message and, on error, is
shown again with everything the person typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coprod.accounts.models import Organisation
from coprod.processes.models import (
    Action,
    ActionStatus,
    DecisionItem,
    Idea,
    Indicator,
    KnowledgeType,
    Need,
    NeedStatus,
    Outcome,
    Participant,
    Phase,
    Process,
    StakeholderRole,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProcessForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = [
            "title_fr",
            "title_en",
            "slug",
            "summary_fr",
            "summary_en",
            "public_service_fr",
            "public_service_en",
            "mandate_fr",
            "mandate_en",
            "negotiable_fr",
            "negotiable_en",
            "non_negotiable_fr",
            "non_negotiable_en",
            "iap2_promised",
            "context",
            "lead_organisation",
            "partners",
            "territory",
            "status",
        ]
        widgets = {"partners": forms.CheckboxSelectMultiple}


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = [
            "seq",
            "co_type",
            "living_lab_stage",
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "starts_on",
            "ends_on",
            "iap2_promised",
            "iteration",
            "accepts_needs",
            "accepts_ideas",
            "accepts_comments",
            "accepts_measurements",
        ]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("A phase ends on or after the day it starts."))
        seq = data.get("seq")
        if (
            seq is not None
            and self.process.phases.filter(seq=seq).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("seq", _("Another phase of this process already has this order number."))
        return data


class JoinForm(forms.Form):
    stakeholder_role = forms.ChoiceField(label=_("I take part as"), choices=StakeholderRole.choices)
    knowledge_types = forms.MultipleChoiceField(
        label=_("The knowledge I bring"),
        choices=KnowledgeType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose all that apply. Lived experience counts as much as the others."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation I belong to (optional)"),
        queryset=Organisation.objects.all(),
        required=False,
    )


class ContributionForm(forms.Form):
    """What a participant writes: a title, details, and the knowledge it carries."""

    title = forms.CharField(label=_("In a sentence"), max_length=250)
    description = forms.CharField(
        label=_("Details (optional)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    knowledge_type = forms.ChoiceField(
        label=_("This comes from my"), choices=KnowledgeType.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, participant: Participant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if participant and participant.knowledge_types and not self.is_bound:
            self.initial.setdefault("knowledge_type", participant.knowledge_types[0])


class NeedForm(ContributionForm):
    title = forms.CharField(
        label=_("The need, in a sentence"),
        max_length=250,
        help_text=_("For example: “We don't know whom to call during a heat wave.”"),
    )


class IdeaForm(ContributionForm):
    title = forms.CharField(label=_("The idea, in a sentence"), max_length=250)
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs this idea addresses"),
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose at least one need."),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = process.needs.filter(hidden_at__isnull=True).exclude(  # type: ignore[attr-defined]
            status__in=[NeedStatus.OUT_OF_SCOPE, NeedStatus.MERGED]
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    knowledge_type = forms.ChoiceField(
        label=_("This comes from my"), choices=KnowledgeType.choices, widget=forms.RadioSelect
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding (visible to moderators)"), max_length=300)


class NeedReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=NeedStatus.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the need is out of scope."),
    )
    merged_into = forms.ModelChoiceField(
        label=_("Merged into"), queryset=Need.objects.none(), required=False
    )

    def __init__(self, *args: Any, need: Need, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merged_into"].queryset = need.process.needs.exclude(pk=need.pk)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == NeedStatus.OUT_OF_SCOPE and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why this need is out of scope."))
        if data.get("status") == NeedStatus.MERGED and not data.get("merged_into"):
            self.add_error("merged_into", _("Choose the need it is merged into."))
        return data


NOT_DECIDED = ""


class DecisionForm(forms.Form):
    """A decision and, for each idea awaiting one, its outcome and rationale."""

    body_fr = forms.CharField(label=_("Decision body (French)"), max_length=200)
    body_en = forms.CharField(label=_("Decision body (English)"), max_length=200, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_INPUT)
    summary_fr = forms.CharField(
        label=_("Summary (French)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, ideas: list[Idea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ideas = ideas
        outcomes = [(NOT_DECIDED, _("Not in this decision")), *Outcome.choices]
        for idea in ideas:
            self.fields[f"outcome_{idea.pk}"] = forms.ChoiceField(
                label=_("Outcome"), choices=outcomes, required=False
            )
            self.fields[f"rationale_fr_{idea.pk}"] = forms.CharField(
                label=_("Rationale (French)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"rationale_en_{idea.pk}"] = forms.CharField(
                label=_("Rationale (English)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def idea_rows(self) -> list[tuple[Idea, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                idea,
                self[f"outcome_{idea.pk}"],
                self[f"rationale_fr_{idea.pk}"],
                self[f"rationale_en_{idea.pk}"],
            )
            for idea in self.ideas
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decided = 0
        for idea in self.ideas:
            outcome = data.get(f"outcome_{idea.pk}")
            if not outcome:
                continue
            decided += 1
            rationale = (data.get(f"rationale_fr_{idea.pk}") or "") + (
                data.get(f"rationale_en_{idea.pk}") or ""
            )
            if outcome != Outcome.ADOPTED and not rationale.strip():
                self.add_error(
                    f"rationale_fr_{idea.pk}",
                    _("Give the rationale: this idea was not adopted as is."),
                )
        if not decided:
            raise forms.ValidationError(_("Give the outcome of at least one idea."))
        return data


class ActionForm(forms.ModelForm):
    decision_items = forms.ModelMultipleChoiceField(
        label=_("Decisions it carries out"),
        queryset=DecisionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    co_deliverer_organisations = forms.ModelMultipleChoiceField(
        label=_("Co-delivering organisations"),
        queryset=Organisation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    co_deliverer_people = forms.ModelMultipleChoiceField(
        label=_("Co-delivering participants"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Action
        fields = [
            "code",
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "owner_organisation",
            "owner_participant",
            "starts_on",
            "due_on",
        ]
        widgets = {"starts_on": DATE_INPUT, "due_on": DATE_INPUT}

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_items"].queryset = (  # type: ignore[attr-defined]
            DecisionItem.objects.filter(
                decision__process=process, outcome__in=[Outcome.ADOPTED, Outcome.ADAPTED]
            ).select_related("idea")
        )
        people = Participant.objects.filter(process=process).select_related("user")
        self.fields["co_deliverer_people"].queryset = people  # type: ignore[attr-defined]
        self.fields["owner_participant"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, due = data.get("starts_on"), data.get("due_on")
        if starts and due and due < starts:
            self.add_error("due_on", _("An action is due on or after the day it starts."))
        return data


class ActionUpdateForm(forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress_pct = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_fr",
            "name_en",
            "unit",
            "kind",
            "direction",
            "baseline_value",
            "baseline_on",
            "target_value",
            "target_on",
            "actions",
            "needs",
        ]
        widgets = {
            "baseline_on": DATE_INPUT,
            "target_on": DATE_INPUT,
            "actions": forms.CheckboxSelectMultiple,
            "needs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process
        self.fields["actions"].queryset = process.actions.all()  # type: ignore[attr-defined]
        self.fields["needs"].queryset = process.needs.filter(hidden_at__isnull=True)  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if self.process.indicators.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another indicator of this process already has this code.")
            )
        return code


class MeasurementForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=3, localize=True)
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE_INPUT)
    source = forms.CharField(label=_("Source"), max_length=250, required=False)
