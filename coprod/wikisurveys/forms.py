from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import Idea, Need, Process
from coprod.wikisurveys.models import SkipReason, Survey
from coprod.wikisurveys.services import ITEM_MAX_LENGTH


class SurveyForm(forms.ModelForm):
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs to compare"),
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ideas = forms.ModelMultipleChoiceField(
        label=_("Ideas to compare"),
        queryset=Idea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Survey
        fields = [
            "question_fr",
            "question_en",
            "description_fr",
            "description_en",
            "allow_anonymous",
            "accepts_items",
            "items_premoderated",
        ]

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = self.fields["needs"]
        ideas = self.fields["ideas"]
        assert isinstance(needs, forms.ModelMultipleChoiceField)
        assert isinstance(ideas, forms.ModelMultipleChoiceField)
        needs.queryset = Need.objects.filter(process=process, hidden_at__isnull=True).exclude(
            status__in=["merged", "out_of_scope"]
        )
        ideas.queryset = Idea.objects.filter(process=process, hidden_at__isnull=True).exclude(
            status="withdrawn"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = len(data.get("needs") or []) + len(data.get("ideas") or [])
        if chosen < 2:
            raise forms.ValidationError(_("Choose at least two needs or ideas to compare."))
        return data


class VoteForm(forms.Form):
    appearance = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.IntegerField()


class SkipForm(forms.Form):
    appearance = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Why can't you decide?"),
        choices=SkipReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you cannot decide.")},
    )


class ItemForm(forms.Form):
    text = forms.CharField(
        label=_("Your idea"),
        max_length=ITEM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One idea, short enough to compare with the others (250 characters at most)."),
        error_messages={"required": _("Write your idea.")},
    )
