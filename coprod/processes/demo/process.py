"""The demo process: what it is about, who leads it, and its phases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from coprod.processes.models import CoType, IAP2Level, LivingLabStage, ProcessContext, ProcessStatus

PROCESS_SLUG = "chaleur-aines-mhm-2026"

D = dt.date


PROCESS_FIELDS: dict[str, Any] = {
    "title_fr": "Coproduire la prévention des impacts de la chaleur extrême auprès des "
    "personnes aînées isolées — MHM 2026",
    "title_en": "Co-producing the prevention of extreme-heat impacts among isolated seniors "
    "— MHM 2026",
    "summary_fr": "En 2018, les vagues de chaleur ont causé 66 décès à Montréal, surtout chez "
    "des personnes de 65 ans et plus vivant seules, à domicile, dans un îlot de chaleur. "
    "Mercier–Hochelaga-Maisonneuve était parmi les arrondissements les plus touchés. "
    "Résident·e·s aîné·e·s, proches aidant·e·s, organismes communautaires, CLSC, "
    "arrondissement et chercheur·e·s revoient ensemble le service de prévention, de la "
    "définition des besoins jusqu'à l'évaluation.",
    "summary_en": "In 2018 heat waves caused 66 deaths in Montréal, mostly among people aged "
    "65 and over living alone, at home, in a heat island. Mercier–Hochelaga-Maisonneuve was "
    "among the boroughs most affected. Older residents, caregivers, community organisations, "
    "the CLSC, the borough and researchers redesign the prevention service together, from "
    "defining the needs to evaluating the results.",
    "public_service_fr": "Prévention de la chaleur extrême pour les personnes aînées isolées : "
    "registre des personnes à risque, appels et visites pendant les avis de chaleur, lieux "
    "climatisés, transport et communication",
    "public_service_en": "Extreme-heat prevention for isolated seniors: registry of at-risk "
    "people, check-in calls and visits during heat warnings, cooling spaces, transport and "
    "communication",
    "mandate_fr": "Proposer à l'arrondissement et au CIUSSS une façon renouvelée de joindre, "
    "de protéger et d'informer les personnes aînées isolées pendant les épisodes de chaleur "
    "extrême, la mettre en œuvre ensemble à l'été 2026 et en évaluer les effets.",
    "mandate_en": "Propose to the borough and the CIUSSS a renewed way of reaching, protecting "
    "and informing isolated seniors during extreme-heat episodes, carry it out together in "
    "summer 2026 and assess its effects.",
    "negotiable_fr": "La façon de joindre les personnes aînées; les heures d'ouverture et les "
    "emplacements des lieux climatisés; l'utilisation d'une enveloppe de 60 000 $.",
    "negotiable_en": "How seniors are reached; the opening hours and locations of cooling "
    "spaces; how a $60,000 envelope is used.",
    "non_negotiable_fr": "Les seuils d'alerte de santé publique; les règles légales de "
    "protection des renseignements personnels qui encadrent le registre.",
    "non_negotiable_en": "The public-health alert thresholds; the legal privacy rules that "
    "govern the registry.",
    "iap2_promised": IAP2Level.COLLABORATE,
    "context": ProcessContext.PREPAREDNESS,
    "territory": "Arrondissement de Mercier–Hochelaga-Maisonneuve, Montréal",
    "status": ProcessStatus.PUBLISHED,
}
LEAD_ORGANISATION = "arrondissement"
PARTNERS = (
    "ciusss",
    "clsc",
    "drsp",
    "aines",
    "popote",
    "locataires",
    "table",
    "omhm",
    "citeid",
    "precrisa",
)


@dataclass(frozen=True)
class PhaseSpec:
    seq: int
    co_type: str
    stage: str
    starts_on: dt.date
    ends_on: dt.date | None  # None: open for at least 120 days from today
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    iap2: str = IAP2Level.COLLABORATE
    iteration: int = 1
    flags: tuple[str, ...] = ()


PHASES: tuple[PhaseSpec, ...] = (
    PhaseSpec(
        seq=1,
        co_type=CoType.CO_COMMISSIONING,
        stage=LivingLabStage.EXPLORATION,
        starts_on=D(2026, 1, 12),
        ends_on=D(2026, 3, 31),
        title_fr="Coplanification : nommer les besoins",
        title_en="Co-commissioning: naming the needs",
        description_fr=(
            "Trois groupes de pairs (croisement des savoirs) : 24 résident·e·s et proches "
            "aidant·e·s en deux rencontres au Carrefour des aîné·e·s, avec transport et repas; 22 "
            "praticien·ne·s; 4 chercheur·e·s. Puis une rencontre de croisement. 14 besoins, "
            "priorisés par comparaison par paires (212 votant·e·s, en ligne et sur papier)."
        ),
        description_en=(
            "Three peer groups (merging of knowledge): 24 residents and caregivers in two "
            "sessions at the seniors' hub, with transport and a meal; 22 practitioners; 4 "
            "researchers. Then one merged session. 14 needs, prioritised by pairwise comparison "
            "(212 voters, online and on paper)."
        ),
        flags=("accepts_needs",),
    ),
    PhaseSpec(
        seq=2,
        co_type=CoType.CO_DESIGN,
        stage=LivingLabStage.CO_CREATION,
        starts_on=D(2026, 4, 1),
        ends_on=D(2026, 5, 31),
        title_fr="Coconception : imaginer les solutions",
        title_en="Co-design: imagining solutions",
        description_fr=(
            "Café du monde le 19 mai : 48 participant·e·s, 8 tables de 6, 3 tours de 25 minutes, "
            "8 intervenant·e·s communautaires comme hôtes de table; 34 idées. Carte d'opinions "
            "(157 votant·e·s), puis revue de faisabilité par l'arrondissement et le CIUSSS : 9 "
            "propositions soumises à la décision."
        ),
        description_en=(
            "World café on 19 May: 48 participants, 8 tables of 6, 3 rounds of 25 minutes, 8 "
            "community workers as table hosts; 34 ideas. Opinion map (157 voters), then a "
            "feasibility review by the borough and the CIUSSS: 9 proposals put to the decision."
        ),
        flags=("accepts_ideas",),
    ),
    PhaseSpec(
        seq=3,
        co_type=CoType.CO_DELIVERY,
        stage=LivingLabStage.EXPERIMENTATION,
        starts_on=D(2026, 6, 1),
        ends_on=D(2026, 8, 31),
        title_fr="Coprestation : agir ensemble pendant l'été",
        title_en="Co-delivery: acting together over the summer",
        description_fr=(
            "Huit actions (A1 à A8) menées par l'arrondissement, le CIUSSS, l'OMHM, les "
            "organismes et 62 bénévoles, pendant trois avis de chaleur (6-9 juillet, 27-30 "
            "juillet, 17-21 août). Mises à jour hebdomadaires pendant les avis."
        ),
        description_en=(
            "Eight actions (A1 to A8) carried out by the borough, the CIUSSS, the OMHM, the "
            "community organisations and 62 volunteers, through three heat warnings (6-9 July, "
            "27-30 July, 17-21 August). Weekly updates during the warnings."
        ),
        iap2=IAP2Level.EMPOWER,
    ),
    PhaseSpec(
        seq=4,
        co_type=CoType.CO_ASSESSMENT,
        stage=LivingLabStage.EVALUATION,
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 10, 31),
        title_fr="Coévaluation : mesurer ce qui a changé",
        title_en="Co-assessment: measuring what changed",
        description_fr=(
            "Atelier de coévaluation avec 30 participant·e·s, dont 12 aîné·e·s qui analysent "
            "leurs propres données; 12 bénévoles saisissent des mesures; questionnaires PPEET; "
            "enquête comparative Précrisa avec un arrondissement témoin."
        ),
        description_en=(
            "Co-evaluation workshop with 30 participants, 12 of them seniors who analyse their "
            "own data; 12 volunteers enter measurements; PPEET questionnaires; Précrisa "
            "comparative survey with a comparison borough."
        ),
        flags=("accepts_measurements",),
    ),
    PhaseSpec(
        seq=5,
        co_type=CoType.CO_COMMISSIONING,
        stage=LivingLabStage.EXPLORATION,
        starts_on=D(2026, 11, 1),
        ends_on=None,
        title_fr="Coplanification 2027 : ce qu'il reste à faire",
        title_en="Co-commissioning 2027: what remains to be done",
        description_fr=(
            "Deuxième boucle. Les résultats de l'évaluation nourrissent les besoins de l'été 2027 "
            ": la navette (A4) à relancer, les salles climatisées à étendre, les besoins laissés "
            "hors du périmètre. Proposez vos besoins et vos idées, commentez ceux des autres."
        ),
        description_en=(
            "Second loop. The evaluation's findings feed the needs for summer 2027: the shuttle "
            "(A4) to relaunch, more cooling rooms, the needs left out of scope. Propose your "
            "needs and ideas, comment on other people's."
        ),
        iteration=2,
        flags=("accepts_needs", "accepts_ideas"),
    ),
)
PHASE_FLAGS = ("accepts_needs", "accepts_ideas", "accepts_measurements")
OPEN_PHASE_MIN_END = D(2027, 3, 31)
OPEN_PHASE_MIN_DAYS = 120
