"""The demo actions (phase 3): who carries them out, and how they went in summer 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from coprod.processes.models import ActionStatus, ContributorRole

D = dt.date


@dataclass(frozen=True)
class Contribution:
    """Who co-delivers an action: a person (by key) or an organisation (by key)."""

    role: str
    person: str | None = None
    org: str | None = None
    hours: int = 0


@dataclass(frozen=True)
class UpdateSpec:
    on: dt.date
    status: str
    progress: int
    text_fr: str
    text_en: str
    author: str


@dataclass(frozen=True)
class ActionSpec:
    code: str
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    owner: str
    items: tuple[str, ...]
    contributors: tuple[Contribution, ...]
    updates: tuple[UpdateSpec, ...] = ()
    starts_on: dt.date = D(2026, 6, 15)
    due_on: dt.date = D(2026, 8, 31)


LEAD, CO, VOL = ContributorRole.LEAD, ContributorRole.CO_DELIVERER, ContributorRole.VOLUNTEER
DONE, LATE, RUNNING = ActionStatus.COMPLETED, ActionStatus.DELAYED, ActionStatus.IN_PROGRESS
# The three made-up heat warnings of summer 2026: one update per action in each warning's week.
WARNINGS = (D(2026, 7, 8), D(2026, 7, 29), D(2026, 8, 19))

# 62 volunteers gave 20 hours each (1 240 hours): 12 of them take part in the process and
# appear by name; the 50 others are not on the platform, so their hours are recorded under
# the tenants' association that coordinates them.
A1_VOLUNTEERS = (
    "sophie",
    "karim",
    "linh",
    "daniel",
    "luc",
    "camille",
    "harold",
    "winston",
    "giuseppe",
    "pierre",
    "carmen",
    "long",
)
VOLUNTEER_HOURS_EACH = 20
UNREGISTERED_VOLUNTEER_HOURS = 50 * VOLUNTEER_HOURS_EACH


def _warning_updates(
    author: str,
    fr: str,
    en: str,
    figures: tuple[Any, ...],
    progress: tuple[int, ...],
    status: str = RUNNING,
) -> tuple[UpdateSpec, ...]:
    """One update per heat warning; ``fr`` and ``en`` take the warning number and a figure."""
    return tuple(
        UpdateSpec(on, status, pct, fr.format(n=n, x=x), en.format(n=n, x=x), author)
        for n, (on, x, pct) in enumerate(zip(WARNINGS, figures, progress, strict=True), start=1)
    )


START, END = D(2026, 6, 15), D(2026, 8, 31)


def _start(author: str, fr: str, en: str, on: dt.date = START, pct: int = 10) -> UpdateSpec:
    return UpdateSpec(on, RUNNING, pct, fr, en, author)


def _done(author: str, fr: str, en: str, on: dt.date = END) -> UpdateSpec:
    return UpdateSpec(on, DONE, 100, fr, en, author)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        code="A1",
        title_fr="Voisin·e·s vigilant·e·s",
        title_en="Watchful neighbours",
        description_fr=(
            "62 résident·e·s bénévoles jumelé·e·s avec 186 aîné·e·s isolé·e·s qui se sont "
            "inscrit·e·s elles-mêmes; un appel ou une visite par jour d'avis de chaleur."
        ),
        description_en=(
            "62 volunteer residents paired with 186 isolated seniors who signed up themselves; a "
            "call or a visit on every heat-warning day."
        ),
        owner="locataires",
        items=("buddy",),
        contributors=(
            Contribution(LEAD, org="locataires", hours=180),
            Contribution(CO, org="aines", hours=60),
            Contribution(CO, person="roxanne", hours=120),
            Contribution(CO, person="mamadou", hours=110),
            *(Contribution(VOL, person=key, hours=VOLUNTEER_HOURS_EACH) for key in A1_VOLUNTEERS),
            Contribution(VOL, org="locataires", hours=UNREGISTERED_VOLUNTEER_HOURS),
        ),
        updates=(
            _start(
                "roxanne",
                "Formation des 62 bénévoles et premiers jumelages.",
                "The 62 volunteers trained and the first pairs formed.",
            ),
            *_warning_updates(
                "roxanne",
                "Avis de chaleur n° {n} : {x} aîné·e·s jumelé·e·s joint·e·s chaque jour.",
                "Heat warning no. {n}: {x} paired seniors reached every day.",
                (148, 171, 186),
                (40, 65, 90),
            ),
            _done(
                "roxanne",
                (
                    "Bilan : 186 jumelages, 1 240 heures de bénévolat, 9 personnes orientées vers "
                    "le CLSC."
                ),
                "Summary: 186 pairs, 1,240 volunteer hours, 9 people referred to the CLSC.",
            ),
        ),
        due_on=D(2026, 9, 15),
    ),
    ActionSpec(
        code="A2",
        title_fr="Appels proactifs du CLSC et visites à domicile",
        title_en="Proactive CLSC calls and home visits",
        description_fr=(
            "Le CLSC appelle toutes les personnes inscrites dans les 24 h suivant un avis; la "
            "popote roulante visite celles qui n'ont pas de téléphone."
        ),
        description_en=(
            "The CLSC calls everyone in the registry within 24 hours of a warning; the meals on "
            "wheels visits those without a phone."
        ),
        owner="clsc",
        items=("calls", "doors"),
        contributors=(
            Contribution(LEAD, org="clsc", hours=420),
            Contribution(CO, org="popote", hours=160),
            Contribution(CO, person="julie", hours=60),
            Contribution(CO, person="nathalie", hours=60),
            Contribution(CO, person="aicha", hours=40),
            Contribution(CO, person="nadia", hours=45),
            Contribution(CO, person="samuel", hours=45),
        ),
        updates=(
            _start(
                "stephane",
                "Liste d'appels mise à jour et circuits de visite tracés avec la popote.",
                "Call list updated and visit rounds drawn up with the meals on wheels.",
            ),
            *_warning_updates(
                "julie",
                "Avis n° {n} : {x} % des personnes inscrites jointes en moins de 24 h.",
                "Warning no. {n}: {x}% of registered people reached within 24 hours.",
                (79, 84, 89),
                (40, 65, 90),
            ),
            _done(
                "stephane",
                (
                    "Bilan de l'été : 87 % des personnes inscrites jointes en moins de 24 h (61 % "
                    "en 2025)."
                ),
                "Summer summary: 87% of registered people reached within 24 hours (61% in 2025).",
            ),
        ),
    ),
    ActionSpec(
        code="A3",
        title_fr="Bibliothèques ouvertes le soir et deux salles HLM climatisées",
        title_en="Libraries open in the evening and two air-conditioned public-housing rooms",
        description_fr=(
            "Les bibliothèques ferment à 21 h les jours d'avis; deux salles communautaires de HLM "
            "sont climatisées et ouvertes de 10 h à 21 h."
        ),
        description_en=(
            "Libraries close at 9 p.m. on warning days; two public-housing community rooms are "
            "air-conditioned and open from 10 a.m. to 9 p.m."
        ),
        owner="arrondissement",
        items=("rooms",),
        contributors=(
            Contribution(LEAD, org="arrondissement", hours=240),
            Contribution(CO, org="omhm", hours=90),
            Contribution(CO, person="sylvie", hours=50),
            Contribution(CO, person="olivier", hours=40),
        ),
        updates=(
            _start(
                "sylvie",
                "Climatiseurs installés dans les deux salles; horaire prolongé annoncé.",
                "Air conditioners installed in both rooms; longer hours announced.",
                pct=30,
            ),
            *_warning_updates(
                "sylvie",
                "Avis n° {n} : {x} visites de personnes de 65 ans et plus par jour d'avis.",
                "Warning no. {n}: {x} visits by people aged 65 and over per warning day.",
                (71, 88, 104),
                (50, 70, 90),
            ),
            _done(
                "sylvie",
                "Saison terminée : 92 visites de 65 ans et plus par jour d'avis en moyenne.",
                "Season over: 92 visits by people aged 65 and over per warning day on average.",
            ),
        ),
    ),
    ActionSpec(
        code="A4",
        title_fr="Navette vers les lieux climatisés",
        title_en="Shuttle to cooling spaces",
        description_fr=(
            "Une navette gratuite, de jour et en soirée, entre les HLM et les lieux climatisés "
            "pendant les avis de chaleur."
        ),
        description_en=(
            "A free shuttle, in the daytime and the evening, between public housing and cooling "
            "spaces during heat warnings."
        ),
        owner="arrondissement",
        items=("shuttle",),
        contributors=(
            Contribution(LEAD, org="arrondissement", hours=60),
            Contribution(CO, person="eric", hours=25),
        ),
        updates=(
            _start(
                "eric",
                "Appel d'offres lancé pour le transport adapté.",
                "Call for tenders issued for accessible transport.",
                pct=15,
            ),
            *_warning_updates(
                "eric",
                (
                    "Avis n° {n} : contrat de navette toujours pas signé; {x} trajets en taxi "
                    "collectif offerts en dépannage."
                ),
                (
                    "Warning no. {n}: shuttle contract still not signed; {x} shared-taxi rides "
                    "offered as a stopgap."
                ),
                (14, 22, 31),
                (20, 30, 40),
                status=LATE,
            ),
            UpdateSpec(
                D(2026, 9, 15),
                LATE,
                40,
                "Le contrat sera signé pour l'été 2027; reporté à la deuxième boucle.",
                "The contract will be signed for summer 2027; carried over to the second loop.",
                "francois",
            ),
        ),
    ),
    ActionSpec(
        code="A5",
        title_fr="Dépliant en langage clair, en français et en anglais",
        title_en="Plain-language flyer in French and English",
        description_fr=(
            "Dépliant coécrit avec des aîné·e·s et validé par leur groupe de pairs; 4 000 "
            "exemplaires distribués par les organismes et la popote."
        ),
        description_en=(
            "Flyer co-written with seniors and validated by their peer group; 4,000 copies handed "
            "out by the community organisations and the meals on wheels."
        ),
        owner="arrondissement",
        items=("flyer",),
        contributors=(
            Contribution(LEAD, org="arrondissement", hours=40),
            Contribution(CO, org="aines", hours=20),
            *(
                Contribution(CO, person=key, hours=6)
                for key in ("margaret", "gisele", "rejean", "fatima")
            ),
        ),
        updates=(
            _start(
                "maude",
                "Trois séances d'écriture avec quatre aîné·e·s.",
                "Three writing sessions with four seniors.",
                pct=30,
            ),
            UpdateSpec(
                D(2026, 6, 22),
                RUNNING,
                70,
                (
                    "Version validée par le groupe de pairs des aîné·e·s; mise en page en gros "
                    "caractères."
                ),
                "Version validated by the seniors' peer group; laid out in large print.",
                "maude",
            ),
            _done(
                "maude",
                "4 000 dépliants imprimés et distribués avant le premier avis.",
                "4,000 flyers printed and handed out before the first warning.",
                on=D(2026, 7, 3),
            ),
        ),
        due_on=D(2026, 7, 3),
    ),
    ActionSpec(
        code="A6",
        title_fr="Ventilateurs et thermomètres",
        title_en="Fans and thermometers",
        description_fr=(
            "Budget de 18 000 $ : 450 ventilateurs et 600 thermomètres remis aux personnes qui "
            "n'ont aucun moyen de se rafraîchir, livrés par la popote roulante."
        ),
        description_en=(
            "Budget $18,000: 450 fans and 600 thermometers given to people with no way to cool "
            "down, delivered by the meals on wheels."
        ),
        owner="arrondissement",
        items=("fans",),
        contributors=(
            Contribution(LEAD, org="arrondissement", hours=30),
            Contribution(CO, org="popote", hours=120),
            Contribution(CO, person="samuel", hours=30),
        ),
        updates=(
            _start(
                "francois",
                "Achat groupé de 450 ventilateurs et 600 thermomètres.",
                "Bulk purchase of 450 fans and 600 thermometers.",
                pct=20,
            ),
            *_warning_updates(
                "nadia",
                "Avis n° {n} : {x} ventilateurs livrés au total.",
                "Warning no. {n}: {x} fans delivered in all.",
                (210, 360, 450),
                (50, 80, 95),
            ),
            _done(
                "francois",
                "Distribution terminée : 450 ventilateurs et 600 thermomètres; 17 940 $ dépensés.",
                "Distribution finished: 450 fans and 600 thermometers; $17,940 spent.",
            ),
        ),
    ),
    ActionSpec(
        code="A7",
        title_fr="Carte « Qui appeler » pour le frigo",
        title_en="'Whom to call' fridge card",
        description_fr=(
            "Un aimant avec un seul numéro à composer pendant un avis de chaleur, et les numéros "
            "d'urgence."
        ),
        description_en=(
            "A magnet with one number to dial during a heat warning, and the emergency numbers."
        ),
        owner="table",
        items=("flyer",),
        contributors=(
            Contribution(LEAD, org="table", hours=50),
            Contribution(CO, org="clsc", hours=10),
            Contribution(CO, person="isabelle", hours=25),
            Contribution(CO, person="kevin", hours=25),
        ),
        updates=(
            _start(
                "isabelle",
                "Numéro unique convenu avec le CLSC; maquette testée auprès de 12 aîné·e·s.",
                "Single number agreed with the CLSC; design tested with 12 seniors.",
                pct=40,
            ),
            *_warning_updates(
                "kevin",
                "Avis n° {n} : {x} cartes posées sur des frigos.",
                "Warning no. {n}: {x} cards put on fridges.",
                (900, 1500, 2100),
                (60, 80, 95),
            ),
            _done(
                "isabelle",
                "2 100 cartes distribuées, dont 600 en anglais.",
                "2,100 cards handed out, 600 of them in English.",
            ),
        ),
    ),
    ActionSpec(
        code="A8",
        title_fr="Formation du personnel par des aîné·e·s",
        title_en="Staff training by seniors",
        description_fr=(
            "Trois aîné·e·s, avec le Carrefour, forment le personnel du CLSC, de l'arrondissement "
            "et les bénévoles à partir de leur savoir d'expérience."
        ),
        description_en=(
            "Three seniors, with the seniors' hub, train CLSC and borough staff and the "
            "volunteers from their lived experience."
        ),
        owner="ciusss",
        items=("training",),
        contributors=(
            Contribution(LEAD, org="ciusss", hours=30),
            Contribution(CO, org="aines", hours=24),
            Contribution(CO, person="amelie", hours=16),
            *(
                Contribution(CO, person=key, hours=8)
                for key in ("therese", "marieclaire", "dorothy")
            ),
        ),
        updates=(
            _start(
                "amelie",
                "Contenu de la formation préparé avec trois aîné·e·s.",
                "Training content prepared with three seniors.",
                on=D(2026, 6, 8),
                pct=30,
            ),
            _done(
                "stephane",
                "Quatre séances données : 74 membres du personnel et 40 bénévoles formés.",
                "Four sessions given: 74 staff members and 40 volunteers trained.",
                on=D(2026, 6, 26),
            ),
        ),
        starts_on=D(2026, 6, 8),
        due_on=D(2026, 6, 30),
    ),
)
