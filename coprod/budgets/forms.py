from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from coprod.budgets.models import Budget, Project, TieBreaking
from coprod.budgets.selectors import LOCKED_BY_VOTES, adopted_ideas, ballot_errors, money
from coprod.processes.models import Need


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = [
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "envelope",
            "min_projects",
            "max_projects",
            "rule",
            "tie_breaking",
            "paper_grace_days",
        ]
        widgets = {"tie_breaking": forms.RadioSelect}

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Optional in the form: left out, they keep the model's defaults.
        self.fields["tie_breaking"].required = False
        self.fields["paper_grace_days"].required = False
        # Once ballots are cast, what gives them their meaning is shown but not sent back.
        for name in LOCKED_BY_VOTES if locked else ():
            self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_projects"), data.get("max_projects")
        if low and high and low > high:
            self.add_error("max_projects", _("The most cannot be fewer than the fewest."))
        data["tie_breaking"] = data.get("tie_breaking") or TieBreaking.PROJECT_ID
        if data.get("paper_grace_days") is None:
            data["paper_grace_days"] = 0
        return data


class ProjectEditForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title_fr",
            "title_en",
            "cost",
            "description_fr",
            "description_en",
            "feasibility_fr",
            "feasibility_en",
            "needs",
        ]
        widgets = {"needs": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = self.fields["needs"]
        assert isinstance(needs, forms.ModelMultipleChoiceField)
        needs.queryset = Need.objects.filter(
            process=self.instance.budget.process, hidden_at__isnull=True
        )
        needs.label_from_instance = lambda obj: str(obj.title)  # type: ignore[method-assign]
        cost = self.fields["cost"]
        assert isinstance(cost, forms.IntegerField)
        cost.min_value = 1
        cost.validators.append(MinValueValidator(1))
        cost.widget.attrs["min"] = 1
        if locked:
            cost.disabled = True
            cost.help_text = _("Ballots have been cast: the cost can no longer change.")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "idea",
            "cost",
            "description_fr",
            "description_en",
            "feasibility_fr",
            "feasibility_en",
        ]

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["idea"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = adopted_ideas(budget.process).exclude(budget_projects__budget=budget)
        field.label_from_instance = lambda obj: str(obj.title)  # type: ignore[method-assign]
        field.help_text = _("Projects are made from the adopted ideas of the process.")
        cost = self.fields["cost"]
        assert isinstance(cost, forms.IntegerField)
        cost.min_value = 1
        cost.validators.append(MinValueValidator(1))
        cost.widget.attrs["min"] = 1


class ProjectChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — {money(obj.cost)} $"


class BallotForm(forms.Form):
    """Approval of projects within the envelope and the count limits, checked on the server."""

    projects = ProjectChoices(
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Projects you support"),
    )
    submission_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = budget
        field = self.fields["projects"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = budget.projects.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "projects" in data:
            for error in ballot_errors(budget=self.budget, projects=list(data["projects"])):
                self.add_error("projects", error)
        return data


class PaperEntryForm(BallotForm):
    reference = forms.CharField(
        label=_("Number written on the paper ballot"), max_length=40, required=True
    )
    field_order = ["reference", "projects", "submission_key"]

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, budget=budget, **kwargs)
        self.fields["projects"].label = _("Projects marked on the paper ballot")
        self.fields["submission_key"].required = False
