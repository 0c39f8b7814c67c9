"""The demo indicators (phase 4) and their measurements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from coprod.processes.models import Direction, IndicatorKind

D = dt.date


@dataclass(frozen=True)
class MeasurementSpec:
    on: dt.date
    value: str
    source: str
    entered_by: str


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name_fr: str
    name_en: str
    unit: str
    kind: str
    direction: str
    baseline: str | None
    target: str | None
    actions: tuple[str, ...]
    needs: tuple[str, ...]
    measurements: tuple[MeasurementSpec, ...] = field(default=())


M = MeasurementSpec
BASELINE_ON, TARGET_ON = D(2025, 8, 31), D(2026, 10, 31)
INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        code="IND1",
        name_fr="Personnes aînées inscrites jointes dans les 24 h suivant un avis de chaleur",
        name_en="Registered at-risk seniors reached within 24 hours of a heat warning",
        unit="%",
        kind=IndicatorKind.OUTCOME,
        direction=Direction.HIGHER_BETTER,
        baseline="61",
        target="90",
        actions=("A1", "A2"),
        needs=("N3", "N5"),
        measurements=(
            M(D(2026, 7, 10), "79", "Relevé des appels, avis n° 1", "sophie"),
            M(D(2026, 7, 31), "84", "Relevé des appels, avis n° 2", "karim"),
            M(D(2026, 8, 21), "89", "Relevé des appels, avis n° 3", "luc"),
            M(D(2026, 9, 30), "87", "Bilan de la saison, CLSC et bénévoles", "helene"),
        ),
    ),
    IndicatorSpec(
        code="IND2",
        name_fr="Personnes aînées à risque inscrites au registre",
        name_en="Registered at-risk seniors",
        unit="n",
        kind=IndicatorKind.OUTPUT,
        direction=Direction.HIGHER_BETTER,
        baseline="410",
        target="600",
        actions=("A1", "A2"),
        needs=("N5",),
        measurements=(
            M(D(2026, 6, 30), "472", "Registre du CLSC", "julie"),
            M(D(2026, 9, 30), "566", "Registre du CLSC", "julie"),
        ),
    ),
    IndicatorSpec(
        code="IND3",
        name_fr="Visites de personnes de 65 ans et plus dans les lieux climatisés, par jour d'avis",
        name_en="Cooling-space visits by people aged 65 and over, per warning day",
        unit="n",
        kind=IndicatorKind.OUTPUT,
        direction=Direction.HIGHER_BETTER,
        baseline="35",
        target="80",
        actions=("A3", "A4"),
        needs=("N2", "N4"),
        measurements=(
            M(D(2026, 7, 9), "71", "Comptage aux portes, avis n° 1", "camille"),
            M(D(2026, 7, 30), "88", "Comptage aux portes, avis n° 2", "camille"),
            M(D(2026, 8, 20), "104", "Comptage aux portes, avis n° 3", "linh"),
            M(D(2026, 9, 30), "92", "Moyenne de la saison", "sylvie"),
        ),
    ),
    IndicatorSpec(
        code="IND4",
        name_fr="Appels au 911 liés à la chaleur, 65 ans et plus, par jour d'avis",
        name_en="Heat-related 911 calls, people aged 65 and over, per warning day",
        unit="n",
        kind=IndicatorKind.IMPACT,
        direction=Direction.LOWER_BETTER,
        baseline="9.5",
        target=None,
        actions=("A1", "A2", "A3", "A6"),
        needs=("N6", "N11"),
        measurements=(
            M(
                D(2026, 9, 30),
                "6.0",
                "DRSP, données 911; arrondissement témoin : 8,8 en 2025, 8,1 en 2026",
                "helene",
            ),
        ),
    ),
    IndicatorSpec(
        code="IND5",
        name_fr="Personnes aînées qui savent qui appeler (enquête)",
        name_en="Seniors who know whom to call (survey)",
        unit="%",
        kind=IndicatorKind.OUTCOME,
        direction=Direction.HIGHER_BETTER,
        baseline="38",
        target="75",
        actions=("A5", "A7", "A8"),
        needs=("N1", "N8"),
        measurements=(M(D(2026, 10, 15), "71", "Enquête comparative Précrisa, n = 412", "emilie"),),
    ),
    IndicatorSpec(
        code="IND6",
        name_fr="Heures de bénévolat",
        name_en="Volunteer hours",
        unit="h",
        kind=IndicatorKind.PROCESS,
        direction=Direction.HIGHER_BETTER,
        baseline="0",
        target=None,
        actions=("A1",),
        needs=("N9",),
        measurements=(
            M(D(2026, 7, 31), "520", "Feuilles de temps des bénévoles", "daniel"),
            M(D(2026, 8, 31), "1240", "Feuilles de temps des bénévoles", "giuseppe"),
        ),
    ),
)
