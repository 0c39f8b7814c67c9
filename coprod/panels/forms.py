from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coprod.panels.imports import MAX_ROWS
from coprod.panels.models import Category, Panel
from coprod.panels.selectors import Bounds, features_of

MAX_FILE_BYTES = 5 * 1024 * 1024


class PanelForm(forms.ModelForm):
    class Meta:
        model = Panel
        fields = [
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "size",
            "reserves",
            "algorithm",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["size"].min_value = 1  # type: ignore[attr-defined]
        self.fields["size"].widget.attrs["min"] = 1


class VolunteerForm(forms.Form):
    """The recruitment form: who you are, your categories, and your consent to their use."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("Your e-mail address"), help_text=_("We write to you only about the draw.")
    )

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feature_keys = []
        for feature in features_of(panel):
            self.fields[f"feature_{feature.key}"] = forms.ChoiceField(
                label=str(feature.label),
                choices=[(c.key, str(c.label)) for c in feature.categories.all()],
                widget=forms.RadioSelect,
            )
            self.feature_keys.append(feature.key)
        self.fields["consent"] = forms.BooleanField(
            label=_(
                "I agree that my answers above are used only to draw the panel by lot and to "
                "check that it reflects the population. I can withdraw at any time, which "
                "erases them."
            ),
            error_messages={
                "required": _("Your answers are kept only if you agree to their use for the draw.")
            },
        )

    def values(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"feature_{key}"] for key in self.feature_keys}


class PoolImportForm(forms.Form):
    people = forms.FileField(
        label=_("Pool file (people.csv)"),
        help_text=_(
            "CSV in UTF-8, Sortition Foundation layout: columns name (or first_name and "
            "last_name), email, and one column per feature holding the category's value."
        ),
    )
    features = forms.FileField(
        label=_("Features and quotas (features.csv)"),
        required=False,
        help_text=_("Only when the panel has no features yet: columns feature, value, min, max."),
    )
    consent_source = forms.CharField(
        label=_("Where the consents were collected"),
        max_length=200,
        help_text=_("For example: paper forms at the seniors' hub, May 2026."),
    )
    form_version = forms.CharField(label=_("Version of the consent form"), max_length=40)
    attest = forms.BooleanField(
        label=_(
            "I attest that every person in the file agreed that their categories are used "
            "for this draw."
        )
    )

    def clean_people(self) -> Any:
        upload = self.cleaned_data["people"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(rows)d rows).") % {"rows": MAX_ROWS}
            )
        return upload


class QuotasForm(forms.Form):
    """A minimum and a maximum per category of every feature."""

    def __init__(self, *args: Any, panel: Panel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories: list[Category] = []
        for feature in features_of(panel):
            for category in feature.categories.all():
                self.categories.append(category)
                label = f"{feature.label} · {category.label}"
                self.fields[f"min_{category.pk}"] = forms.IntegerField(
                    label=_("At least (%(category)s)") % {"category": label},
                    min_value=0,
                    max_value=panel.size,
                    initial=category.quota_min,
                )
                self.fields[f"max_{category.pk}"] = forms.IntegerField(
                    label=_("At most (%(category)s)") % {"category": label},
                    min_value=0,
                    max_value=panel.size,
                    required=False,
                    initial=category.quota_max,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for category in self.categories:
            low, high = data.get(f"min_{category.pk}"), data.get(f"max_{category.pk}")
            if low is not None and high is not None and low > high:
                self.add_error(f"max_{category.pk}", _("The maximum is below the minimum."))
        return data

    def bounds(self) -> Bounds:
        return {
            c.pk: (self.cleaned_data[f"min_{c.pk}"], self.cleaned_data.get(f"max_{c.pk}"))
            for c in self.categories
        }


class AnnounceForm(forms.Form):
    draw_planned_at = forms.DateTimeField(
        label=_("Planned time of the draw"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Published with the seed, so people can watch the draw."),
    )
