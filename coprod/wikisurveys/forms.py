from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import Idea, Need, Process
from coprod.wikisurveys.models import Appearance, Item, SkipReason, Survey
from coprod.wikisurveys.services import ITEM_MAX_LENGTH


def _sources(label: str | Promise) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Need.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def limit_sources(form: forms.BaseForm, process: Process, survey: Survey | None = None) -> None:
    """Offer the needs and ideas of ``process`` still open to comparison (and not yet items
    of ``survey``)."""
    needs = Need.objects.filter(process=process, hidden_at__isnull=True).exclude(
        status__in=["merged", "out_of_scope"]
    )
    ideas = Idea.objects.filter(process=process, hidden_at__isnull=True).exclude(status="withdrawn")
    if survey is not None:
        needs = needs.exclude(wikisurvey_items__survey=survey)
        ideas = ideas.exclude(wikisurvey_items__survey=survey)
    for name, queryset in (("needs", needs), ("ideas", ideas)):
        field = form.fields[name]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = queryset


class SurveyForm(forms.ModelForm):
    needs = _sources(_("Needs to compare"))
    ideas = _sources(_("Ideas to compare"))

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
        limit_sources(self, process)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = len(data.get("needs") or []) + len(data.get("ideas") or [])
        if chosen < 2:
            raise forms.ValidationError(_("Choose at least two needs or ideas to compare."))
        return data


class SurveyEditForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [*SurveyForm.Meta.fields, "paper_grace_days"]

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if locked:
            for name in ("question_fr", "question_en"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "People have answered: the question can no longer change."
                )


class ItemAddForm(forms.Form):
    """Items a facilitator adds: needs and ideas of the process not yet compared, or a text."""

    needs = _sources(_("Needs to add"))
    ideas = _sources(_("Ideas to add"))
    text_fr = forms.CharField(
        label=_("New item (French)"), max_length=ITEM_MAX_LENGTH, required=False
    )
    text_en = forms.CharField(
        label=_("New item (English)"), max_length=ITEM_MAX_LENGTH, required=False
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_sources(self, survey.process, survey)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (
            data.get("needs") or data.get("ideas") or data.get("text_fr") or data.get("text_en")
        ):
            raise forms.ValidationError(_("Choose a need or an idea, or write an item."))
        return data


class ItemTextForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["text_fr", "text_en"]


class PaperPrintForm(forms.Form):
    count = forms.IntegerField(label=_("Number of sheets"), min_value=1, max_value=200, initial=10)
    pairs = forms.IntegerField(label=_("Pairs per sheet"), min_value=1, max_value=30, initial=10)


class PaperSheetForm(forms.Form):
    """One choice per pair printed on a sheet, as the respondent marked it."""

    def __init__(self, *args: Any, appearances: list[Appearance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.appearances = appearances
        for position, appearance in enumerate(appearances, start=1):
            self.fields[f"pair_{appearance.pk}"] = forms.ChoiceField(
                label=_("Pair %(number)d") % {"number": position},
                choices=[
                    ("left", str(appearance.left.text)),
                    ("right", str(appearance.right.text)),
                    ("cant_decide", _("Can't decide")),
                    ("", _("Not marked")),
                ],
                required=False,
                initial="",
                widget=forms.RadioSelect,
            )

    def marks(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(f"pair_{a.pk}") or "" for a in self.appearances}


class VoteForm(forms.Form):
    appearance = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.IntegerField()


class SkipForm(forms.Form):
    appearance = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Why can't you decide?"),
        choices=[c for c in SkipReason.choices if c[0] != SkipReason.UNSTATED],
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
