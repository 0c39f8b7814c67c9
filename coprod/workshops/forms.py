from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coprod.processes.models import (
    KnowledgeType,
    Need,
    Participant,
    ProcessRole,
    RecruitedVia,
    StakeholderRole,
)
from coprod.workshops.models import Workshop
from coprod.workshops.seating import ATTRIBUTES, RoundSettings


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = [
            "title_fr",
            "title_en",
            "agenda_fr",
            "agenda_en",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "interpretation",
            "childcare",
            "transport",
            "meal",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The workshop must end after it starts."))
        if not data.get("place") and not data.get("online_link"):
            self.add_error("place", _("Give a place, an online link, or both."))
        if data.get("capacity") is not None and data["capacity"] < 1:
            self.add_error("capacity", _("At least one place."))
        return data


def _choose_from(form: forms.Form, name: str, queryset: Any) -> None:
    """Set the choices of a model choice field for this form's context (a process, a round)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _people_label(participant: Participant) -> str:
    return f"#{participant.pk} {participant.user}"


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return _people_label(obj)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _people_label(obj)


class CandidateFilterForm(forms.Form):
    recruited_via = forms.ChoiceField(
        label=_("Recruited through"),
        choices=[("", _("Any way"))] + list(RecruitedVia.choices),
        required=False,
    )
    role = forms.ChoiceField(
        label=_("Stakeholder role"),
        choices=[("", _("Any role"))] + list(StakeholderRole.choices),
        required=False,
    )


class RegisterPeopleForm(forms.Form):
    people = PeopleField(label=_("People to register"), queryset=Participant.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "people", candidates)


class WalkInForm(forms.Form):
    participant = PersonField(
        label=_("Participant of the process"), queryset=Participant.objects.none()
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "participant", candidates)


PAIR = re.compile(r"^\s*#?(\d+)\s*[,;+/ ]\s*#?(\d+)\s*$")


def _pairs(text: str, allowed: set[int]) -> list[tuple[int, int]]:
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = PAIR.match(line)
        if not match:
            raise forms.ValidationError(
                _("Write one pair a line, as two numbers from the list: %(line)s")
                % {"line": line.strip()}
            )
        a, b = int(match.group(1)), int(match.group(2))
        if a == b or a not in allowed or b not in allowed:
            raise forms.ValidationError(
                _("Use two different numbers of people present: %(line)s") % {"line": line.strip()}
            )
        pairs.append((a, b))
    return pairs


class RoundForm(forms.Form):
    tables = forms.IntegerField(label=_("Number of tables"), min_value=1, required=False)
    table_size = forms.IntegerField(
        label=_("Or people per table"), min_value=2, required=False, initial=6
    )
    diversify = forms.MultipleChoiceField(
        label=_("Mix the tables by"),
        choices=[
            ("role", _("stakeholder role")),
            ("knowledge", _("knowledge types")),
            ("organisation", _("organisation")),
            ("language", _("language")),
            ("age_band", _("age band (from profiles given with consent)")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=list(ATTRIBUTES),
    )
    hosts = PeopleField(
        label=_("Table hosts (they stay at their table from round to round)"),
        queryset=Participant.objects.none(),
        required=False,
    )
    at_least_experiential = forms.IntegerField(
        label=_("At least this many people with lived experience per table"),
        min_value=0,
        initial=0,
    )
    at_least_practical = forms.IntegerField(
        label=_("At least this many people with professional practice per table"),
        min_value=0,
        initial=0,
    )
    at_least_scientific = forms.IntegerField(
        label=_("At least this many researchers per table"), min_value=0, initial=0
    )
    elected_at_most = forms.IntegerField(
        label=_("At most this many elected officials per table"), min_value=0, required=False
    )
    must_link = forms.CharField(
        label=_("Keep together (one pair a line, two numbers from the list)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    cannot_link = forms.CharField(
        label=_("Keep apart (one pair a line, two numbers from the list)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    english_tables = forms.IntegerField(label=_("Tables held in English"), min_value=0, initial=0)
    peer_groups = forms.BooleanField(
        label=_("Peer groups: tables of the same knowledge type (merging of knowledge)"),
        required=False,
    )
    seed = forms.IntegerField(
        label=_("Seed (optional: the same seed and the same people give the same tables)"),
        min_value=0,
        max_value=2**63 - 1,
        required=False,
    )

    def __init__(self, *args: Any, present: Iterable[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.present = list(present)
        _choose_from(
            self,
            "hosts",
            Participant.objects.filter(pk__in=[p.pk for p in self.present]).select_related("user"),
        )

    @classmethod
    def initial_from(cls, settings: RoundSettings) -> dict[str, Any]:
        """The previous round's settings as the next round's starting point."""
        data = settings.as_dict()
        return {
            "tables": data["tables"],
            "table_size": data["table_size"],
            "diversify": data["diversify"],
            "hosts": data["hosts"],
            **{f"at_least_{k}": settings.at_least.get(k, 0) for k in KnowledgeType.values},
            "elected_at_most": data["elected_at_most"],
            "must_link": "\n".join(f"{a}, {b}" for a, b in data["must_link"]),
            "cannot_link": "\n".join(f"{a}, {b}" for a, b in data["cannot_link"]),
            "english_tables": data["english_tables"],
            "peer_groups": data["peer_groups"],
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("tables") and not data.get("table_size"):
            self.add_error("tables", _("Give the number of tables or the number per table."))
        allowed = {p.pk for p in self.present}
        for name in ("must_link", "cannot_link"):
            try:
                data[name] = _pairs(data.get(name) or "", allowed)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data

    def settings(self) -> RoundSettings:
        data = self.cleaned_data
        return RoundSettings(
            tables=data.get("tables"),
            table_size=None if data.get("tables") else data.get("table_size"),
            diversify=tuple(data.get("diversify") or ()),
            hosts=tuple(p.pk for p in data.get("hosts") or ()),
            at_least={
                k: data[f"at_least_{k}"] for k in KnowledgeType.values if data.get(f"at_least_{k}")
            },
            elected_at_most=data.get("elected_at_most"),
            must_link=tuple(data.get("must_link") or ()),
            cannot_link=tuple(data.get("cannot_link") or ()),
            english_tables=data.get("english_tables") or 0,
            peer_groups=bool(data.get("peer_groups")),
            seed=data.get("seed"),
        )


class ReseatForm(forms.Form):
    absent = PeopleField(
        label=_("Who has left or did not come"), queryset=Participant.objects.none()
    )

    def __init__(self, *args: Any, seated: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "absent", seated)


class NoteTakerForm(forms.Form):
    participant = PersonField(label=_("Note-taker"), queryset=Participant.objects.none())

    def __init__(self, *args: Any, process: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(
            self,
            "participant",
            Participant.objects.filter(
                process=process, process_role__in=[ProcessRole.NOTE_TAKER, ProcessRole.FACILITATOR]
            ).select_related("user"),
        )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class TableContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("This is"),
        choices=[("idea", _("an idea")), ("need", _("a need"))],
        widget=forms.RadioSelect,
        initial="idea",
    )
    title = forms.CharField(label=_("In a sentence"), max_length=250)
    description = forms.CharField(
        label=_("Details (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs it addresses (for an idea)"),
        queryset=Need.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, process: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "needs", Need.objects.filter(process=process, hidden_at__isnull=True))
