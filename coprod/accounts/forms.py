from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coprod.accounts.models import AgeBand, Language, User


class SignupExtraForm(forms.Form):
    """What allauth's sign-up asks besides e-mail and password."""

    display_name = forms.CharField(
        label=_("Display name"), max_length=80, help_text=_("The name other people see.")
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)

    def signup(self, request: Any, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["display_name", "preferred_language"])


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "preferred_language"]


class LivesAloneSelect(forms.NullBooleanSelect):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", _("I prefer not to say")),
            ("true", _("Yes")),
            ("false", _("No")),
        ]


class ProfileForm(forms.Form):
    """Optional self-declared facts; each one may be left blank."""

    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=[("", _("I prefer not to say")), *AgeBand.choices],
        required=False,
    )
    postal_prefix = forms.RegexField(
        label=_("First three characters of your postal code"),
        regex=r"^[A-Za-z]\d[A-Za-z]$",
        required=False,
        max_length=3,
        help_text=_("For example H1W. Only these three characters are kept."),
        error_messages={"invalid": _("Enter a letter, a digit and a letter, for example H1W.")},
    )
    languages_spoken = forms.CharField(
        label=_("Languages you speak"), max_length=200, required=False
    )
    lives_alone = forms.NullBooleanField(
        label=_("Do you live alone?"),
        required=False,
        widget=LivesAloneSelect,
    )


class ConsentForm(forms.Form):
    equity_stats = forms.BooleanField(
        label=_(
            "I agree that the facts below are used, only in aggregate and in groups of five people or more, "
            "to check who takes part and who is missing."
        ),
        required=False,
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        max_length=10,
        help_text=_("Your contributions stay, without your name. This cannot be undone."),
    )

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value.strip().upper() not in {"DELETE", "SUPPRIMER"}:
            raise forms.ValidationError(_("Type DELETE to confirm."))
        return value
