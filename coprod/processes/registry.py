"""The participation methods a phase can use: one explicit, typed tuple.

A method app (opinion maps, wiki surveys, budgets, panels, workshops) provides an object
that satisfies :class:`ParticipationMethod` and is listed in :data:`METHODS` here. The
spine knows methods only through this contract: which kinds of phase a method fits, how
its settings are checked, where a participant enters it and how much it was used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from coprod.processes.models import CoType

if TYPE_CHECKING:
    from coprod.processes.models import Phase, PhaseMethod


@runtime_checkable
class ParticipationMethod(Protocol):
    """What every participation method offers the spine."""

    @property
    def key(self) -> str:
        """A stable identifier, stored on ``PhaseMethod.method_key``."""
        ...

    @property
    def label(self) -> str | Promise:
        """The method's name, translated."""
        ...

    @property
    def co_types(self) -> frozenset[CoType]:
        """The kinds of phase the method fits."""
        ...

    def clean_config(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Checked settings for one use of the method; raise ``ValidationError`` if wrong."""
        ...

    def entry_url(self, phase_method: PhaseMethod) -> str:
        """Where a participant takes part."""
        ...

    def participation_count(self, phase_method: PhaseMethod) -> int:
        """How many people took part, for the process page."""
        ...

    def setup_url(self, phase: Phase) -> str:
        """Where a facilitator sets the method up in a phase."""
        ...


def _methods() -> tuple[ParticipationMethod, ...]:
    # Imported here: the method apps import the spine's models, which must load first.
    from coprod.budgets.method import PARTICIPATORY_BUDGET
    from coprod.opinions.method import OPINION_MAP
    from coprod.panels.method import CITIZEN_PANEL
    from coprod.wikisurveys.method import WIKI_SURVEY
    from coprod.workshops.method import WORKSHOP

    return (OPINION_MAP, WIKI_SURVEY, PARTICIPATORY_BUDGET, WORKSHOP, CITIZEN_PANEL)


METHODS: tuple[ParticipationMethod, ...] = _methods()


def method_by_key(
    key: str, methods: Iterable[ParticipationMethod] | None = None
) -> ParticipationMethod:
    for method in METHODS if methods is None else methods:
        if method.key == key:
            return method
    raise ValidationError(_("Unknown participation method: %(key)s.") % {"key": key})


def methods_for(
    co_type: str, methods: Iterable[ParticipationMethod] | None = None
) -> list[ParticipationMethod]:
    """The methods that fit a kind of phase, in registry order."""
    return [m for m in (METHODS if methods is None else methods) if co_type in m.co_types]


@runtime_checkable
class PersonalDataHolder(Protocol):
    """An app that keeps personal data of its own, outside the spine and the accounts.

    The person's data export and account deletion reach that data through this contract, so
    ``accounts`` never imports a method app.
    """

    @property
    def key(self) -> str:
        """The key of this app's part in a person's data export."""
        ...

    def export(self, *, user: Any) -> list[dict[str, Any]]:
        """What the app keeps about ``user``, as plain data."""
        ...

    def erase(self, *, user: Any) -> None:
        """Erase what the app keeps about ``user`` (the account is being deleted)."""
        ...


def _personal_data_holders() -> tuple[PersonalDataHolder, ...]:
    from coprod.panels.method import PANEL_VOLUNTEERING

    return (PANEL_VOLUNTEERING,)


PERSONAL_DATA: tuple[PersonalDataHolder, ...] = _personal_data_holders()
