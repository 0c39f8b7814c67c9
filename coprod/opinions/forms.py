from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from coprod.opinions.models import Conversation, VoteValue
from coprod.opinions.polis_files import polis_math_parse
from coprod_engine.exceptions import InputFormatError
from coprod_engine.opinion.polis_state import PolisMath


class ConversationForm(forms.ModelForm):
    seed_statements = forms.CharField(
        label=_("Seed statements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One statement per line, to start the conversation."),
    )

    class Meta:
        model = Conversation
        fields = [
            "question_fr",
            "question_en",
            "description_fr",
            "description_en",
            "allow_anonymous",
            "accepts_statements",
            "statements_premoderated",
            "statement_max_length",
        ]

    def seeds(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("seed_statements", "").splitlines()
            if line.strip()
        ]

    def clean_seed_statements(self) -> str:
        text: str = self.cleaned_data.get("seed_statements", "")
        limit = self.cleaned_data.get("statement_max_length") or 140
        too_long = [line for line in text.splitlines() if len(line.strip()) > limit]
        if too_long:
            raise forms.ValidationError(
                _("Each statement has at most %(limit)d characters.") % {"limit": limit}
            )
        return text


class VoteForm(forms.Form):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    submission_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    value = forms.TypedChoiceField(choices=VoteValue.choices, coerce=int)


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Your statement"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, conversation: Conversation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = conversation.statement_max_length
        self.fields["text"].validators.append(MaxLengthValidator(limit))
        self.fields["text"].widget.attrs["maxlength"] = limit
        self.fields["text"].help_text = _(
            "One idea, in a sentence others can agree or disagree with (%(limit)d characters at most)."
        ) % {"limit": limit}


class PolisImportForm(forms.Form):
    votes = forms.FileField(label=_("votes.csv (Polis openData export)"))
    comments = forms.FileField(label=_("comments.csv (Polis openData export)"))
    math = forms.FileField(
        label=_("Polis math (math-pca2.json), optional"),
        required=False,
        help_text=_(
            "Keeps the opinion groups people already saw on Polis. Without it, the groups are "
            "worked out again from the votes and may differ a little from Polis'. Your Polis "
            "server gives this file at /api/v3/math/pca2?conversation_id=…"
        ),
    )

    def clean_math(self) -> PolisMath | None:
        """The checked blob, so a malformed file is refused before anything is imported."""
        upload = self.cleaned_data.get("math")
        if not upload:
            return None
        try:
            return polis_math_parse(upload.read())
        except InputFormatError as error:
            raise forms.ValidationError(
                _("This file is not a Polis math file: %(error)s"), params={"error": error}
            ) from error
