"""A citizen panel of 6 seats and 2 reserves, with a pool of 30 made-up volunteers."""

from __future__ import annotations

import random

import pytest

from coprod.panels import services
from coprod.panels.models import Panel
from coprod.processes.models import Process

FEATURES_CSV = (
    "feature,value,min,max\n"
    "age_band,under_65,0,2\n"
    "age_band,65_74,2,6\n"
    "age_band,75_plus,2,6\n"
    "gender,woman,2,4\n"
    "gender,man,2,4\n"
    "stakeholder_role,resident,0,6\n"
    "stakeholder_role,caregiver,1,3\n"
)
FIRST = ["Gisèle", "Marcel", "Huguette", "Roger", "Lise", "André", "Yvon", "Carmen", "Réjean"]
LAST = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie"]


def people_csv(n: int = 30, *, seed: int = 7, bad_rows: int = 0) -> bytes:
    """A Sortition Foundation people.csv; ``bad_rows`` rows get an unknown age band."""
    draw = random.Random(seed)
    lines = ["primary_id,first_name,last_name,email,age_band,gender,stakeholder_role,address"]
    for i in range(n):
        age = draw.choice(["under_65", "65_74", "75_plus"]) if i >= bad_rows else "90+"
        lines.append(
            f"{1000 + i},{draw.choice(FIRST)},{draw.choice(LAST)},person{i}@example.org,"
            f"{age},{draw.choice(['woman', 'man'])},"
            f'{"caregiver" if i % 5 == 0 else "resident"},"{i} rue Ontario, Montréal"'
        )
    return ("\n".join(lines) + "\n").encode()


def make_panel(process: Process, *, size: int = 6, reserves: int = 2) -> Panel:
    return services.panel_create(
        phase=process.phases.get(),
        fields={
            "title_fr": "Panel citoyen chaleur",
            "title_en": "Heat panel",
            "size": size,
            "reserves": reserves,
        },
    )


def make_pool(process: Process, *, size: int = 6, reserves: int = 2, people: int = 30) -> Panel:
    """A panel whose pool, features and quotas come from an imported file."""
    panel = make_panel(process, size=size, reserves=reserves)
    services.pool_import(
        panel=panel,
        people=people_csv(people),
        features=FEATURES_CSV.encode(),
        consent_source="Formulaires papier, Carrefour des aînés",
        form_version="papier-v2",
    )
    return panel


@pytest.fixture
def panel(process: Process, personas) -> Panel:
    return make_panel(process)


@pytest.fixture
def pool(process: Process, personas) -> Panel:
    return make_pool(process)
