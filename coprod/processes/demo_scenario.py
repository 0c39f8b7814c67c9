"""The demo scenario « Chaleur extrême et personnes aînées isolées », and its loader.

The scenario of the domain specification (§5), set in Mercier–Hochelaga-Maisonneuve
(Montréal), as plain data, and :func:`demo_load`, which writes it through the spine's
services. Every person, organisation name and number is made up; the institution types are
real and imply no commitment by the institutions named.

Loading is idempotent: each row is found again by a natural key (e-mail, slug, sequence,
code, original-language title) and brought back to what the data says, so running the loader
twice gives the same database, and what demo visitors add in the open phase is kept.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from coprod.accounts.models import (
    AgeBand,
    ConsentScope,
    Language,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)
from coprod.accounts.services import consent_give, profile_save
from coprod.processes import services
from coprod.processes.models import (
    Action,
    ActionContributor,
    ActionStatus,
    ActionUpdate,
    Comment,
    ContributorRole,
    CoType,
    Decision,
    DecisionItem,
    Direction,
    IAP2Level,
    Idea,
    IdeaOrigin,
    Indicator,
    IndicatorKind,
    KnowledgeType,
    LivingLabStage,
    Measurement,
    Need,
    NeedStatus,
    Outcome,
    Participant,
    Phase,
    Process,
    ProcessContext,
    ProcessRole,
    ProcessStatus,
    StakeholderRole,
)

DEMO_PASSWORD = "demo-coprod-2026"
DEMO_DOMAIN = "demo.coprod.ca"
PROCESS_SLUG = "chaleur-aines-mhm-2026"

EXP = KnowledgeType.EXPERIENTIAL
PRA = KnowledgeType.PRACTICAL
SCI = KnowledgeType.SCIENTIFIC


# --- Organisations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Org:
    key: str
    name_fr: str
    name_en: str
    kind: str
    parent: str | None = None
    territory: str = "Mercier–Hochelaga-Maisonneuve"


K = OrganisationKind
ORGANISATIONS: tuple[Org, ...] = (
    Org("ville", "Ville de Montréal", "City of Montréal", K.MUNICIPALITY, territory="Montréal"),
    Org(
        "arrondissement",
        "Arrondissement de Mercier–Hochelaga-Maisonneuve",
        "Mercier–Hochelaga-Maisonneuve Borough",
        K.BOROUGH,
        parent="ville",
    ),
    Org(
        "ciusss",
        "CIUSSS de l'Est-de-l'Île-de-Montréal",
        "CIUSSS de l'Est-de-l'Île-de-Montréal (East Montréal health and social services)",
        K.HEALTH_NETWORK,
        territory="Est de l'île de Montréal",
    ),
    Org(
        "clsc",
        "CLSC Hochelaga-Maisonneuve",
        "CLSC Hochelaga-Maisonneuve (local community services centre)",
        K.HEALTH_NETWORK,
        parent="ciusss",
    ),
    Org(
        "drsp",
        "Direction régionale de santé publique de Montréal",
        "Montréal Regional Public Health Department",
        K.PUBLIC_HEALTH,
        territory="Montréal",
    ),
    Org("aines", "Carrefour des aîné·e·s de Maisonneuve", "Maisonneuve Seniors' Hub", K.COMMUNITY),
    Org(
        "popote",
        "Popote roulante Les Bons Voisins",
        "Les Bons Voisins Meals on Wheels",
        K.COMMUNITY,
    ),
    Org(
        "locataires",
        "Association des locataires des HLM de l'Est",
        "East-End Public Housing Tenants' Association",
        K.COMMUNITY,
    ),
    Org(
        "table",
        "Table de quartier Mercier–Hochelaga solidaire",
        "Mercier–Hochelaga Solidarity Round Table",
        K.ROUND_TABLE,
    ),
    Org(
        "omhm",
        "Office municipal d'habitation de Montréal",
        "Montréal Municipal Housing Office",
        K.HOUSING_OFFICE,
        territory="Montréal",
    ),
    Org(
        "enap",
        "École nationale d'administration publique (ENAP)",
        "École nationale d'administration publique (ENAP)",
        K.UNIVERSITY,
        territory="Québec",
    ),
    Org("citeid", "Cité-ID LivingLab", "Cité-ID LivingLab", K.LIVING_LAB, parent="enap"),
    Org(
        "precrisa",
        "Réseau Précrisa",
        "Précrisa network",
        K.NETWORK,
        territory="Québec et France",
    ),
)


# --- People ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """A resident's self-declared profile, given with consent to equity statistics."""

    age_band: str
    postal_prefix: str
    lives_alone: bool
    languages: str = "français"


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    role: str
    knowledge: tuple[str, ...] = ()
    org: str | None = None
    process_role: str = ProcessRole.PARTICIPANT
    language: str = Language.FRENCH
    email: str | None = None
    facts: Facts | None = None


def _senior(key: str, name: str, age: str, fsa: str, alone: bool, **extra: Any) -> Person:
    languages = "English" if extra.get("language") == Language.ENGLISH else "français"
    return Person(
        key,
        name,
        StakeholderRole.RESIDENT,
        (EXP,),
        facts=Facts(age, fsa, alone, languages),
        **extra,
    )


def _lay(key: str, name: str, role: str, age: str, fsa: str) -> Person:
    return Person(key, name, role, (EXP,), facts=Facts(age, fsa, False))


def _pro(key: str, name: str, role: str, org: str, **extra: Any) -> Person:
    return Person(key, name, role, (PRA,), org=org, **extra)


SR, CG, CW = StakeholderRole.RESIDENT, StakeholderRole.CAREGIVER, StakeholderRole.COMMUNITY_WORKER
FP, MG = StakeholderRole.FRONTLINE_PROFESSIONAL, StakeholderRole.MANAGER
OLD, OLDER, EN = AgeBand.AGE_65_74, AgeBand.AGE_75_PLUS, Language.ENGLISH

# 18 residents aged 65 and over: 12 live alone, 5 speak English, 2 live in Mercier-Est (H1L).
SENIORS: tuple[Person, ...] = (
    _senior("gisele", "Gisèle Tremblay", OLDER, "H1W", True, email=f"participant@{DEMO_DOMAIN}"),
    _senior("rejean", "Réjean Gagnon", OLDER, "H1V", True),
    _senior("therese", "Thérèse Bouchard", OLDER, "H1W", True),
    _senior("margaret", "Margaret O'Brien", OLDER, "H1N", True, language=EN),
    _senior("harold", "Harold Fitzgerald", OLD, "H1V", False, language=EN),
    _senior("dorothy", "Dorothy Campbell", OLDER, "H1W", True, language=EN),
    _senior("winston", "Winston Clarke", OLD, "H1N", False, language=EN),
    _senior("evelyn", "Evelyn Kowalski", OLDER, "H1V", True, language=EN),
    _senior("giuseppe", "Giuseppe Russo", OLD, "H1N", False),
    _senior("fatima", "Fatima Benali", OLD, "H1W", True),
    _senior("long", "Long Nguyen", OLDER, "H1V", False),
    _senior("marieclaire", "Marie-Claire Joseph", OLD, "H1W", True),
    _senior("pierre", "Pierre Lavoie", OLD, "H1L", False),
    _senior("denise", "Denise Gauthier", OLDER, "H1L", True),
    _senior("carmen", "Carmen Rodríguez", OLD, "H1N", False),
    _senior("jacqueline", "Jacqueline Roy", OLDER, "H1W", True),
    _senior("ahmed", "Ahmed Haddad", OLD, "H1V", True),
    _senior("yvette", "Yvette Pelletier", OLDER, "H1N", True),
)

OTHER_LAY: tuple[Person, ...] = (
    _lay("sophie", "Sophie Bergeron", CG, AgeBand.AGE_50_64, "H1W"),
    _lay("karim", "Karim Mansour", CG, AgeBand.AGE_35_49, "H1V"),
    _lay("linh", "Linh Tran", CG, AgeBand.AGE_50_64, "H1N"),
    _lay("daniel", "Daniel Côté", CG, AgeBand.AGE_50_64, "H1W"),
    _lay("luc", "Luc Ménard", SR, AgeBand.AGE_50_64, "H1W"),  # a building concierge
    _lay("camille", "Camille Nadeau", SR, AgeBand.AGE_18_34, "H1V"),  # a young neighbour
)

PROFESSIONALS: tuple[Person, ...] = (
    _pro("amelie", "Amélie Fortin", CW, "aines"),
    _pro("jp", "Jean-Philippe Dubé", CW, "aines"),
    _pro("valerie", "Valérie Girard", CW, "aines"),
    _pro("nadia", "Nadia Ouellet", CW, "popote"),
    _pro("samuel", "Samuel Pierre", CW, "popote"),
    _pro("roxanne", "Roxanne Morin", CW, "locataires"),
    _pro("mamadou", "Mamadou Diallo", CW, "locataires"),
    _pro("isabelle", "Isabelle Caron", CW, "table"),
    _pro("kevin", "Kevin Lam", CW, "table"),
    _pro("olivier", "Olivier Paquette", CW, "omhm"),
    _pro("julie", "Julie Lemieux", FP, "clsc"),  # home-care nurse
    _pro("nathalie", "Nathalie Boucher", FP, "clsc"),  # home-care nurse
    _pro("marcandre", "Marc-André Poirier", FP, "clsc"),  # social worker
    _pro("aicha", "Aïcha Koné", FP, "clsc"),  # social worker
    _pro("helene", "Hélène Cardinal", FP, "ciusss"),  # public-health adviser
    _pro("stephane", "Stéphane Leblanc", MG, "ciusss"),  # home-care manager
    _pro("eric", "Éric Bélanger", FP, "arrondissement"),  # civil security
    _pro("sylvie", "Sylvie Lachance", FP, "arrondissement"),  # recreation and libraries
    _pro(
        "maude",
        "Maude Lefebvre",
        FP,
        "arrondissement",
        process_role=ProcessRole.MODERATOR,
        email=f"moderation@{DEMO_DOMAIN}",
    ),  # communications, moderates the process's pages
    _pro("francois", "François Demers", MG, "arrondissement"),
    _pro("annie", "Annie Villeneuve", StakeholderRole.ELECTED_OFFICIAL, "arrondissement"),
    _pro("patrick", "Patrick Saint-Louis", StakeholderRole.ELECTED_OFFICIAL, "arrondissement"),
)

RESEARCHERS: tuple[Person, ...] = tuple(
    Person(key, name, StakeholderRole.RESEARCHER, (SCI,), org=org)
    for key, name, org in (
        ("claire", "Claire Duchesne", "citeid"),
        ("rafael", "Rafael Moreno", "citeid"),
        ("emilie", "Émilie Laroche", "precrisa"),
        ("youssef", "Youssef Amrani", "precrisa"),
    )
)

NOTE_TAKERS: tuple[Person, ...] = tuple(
    Person(key, name, StakeholderRole.STUDENT, org="enap", process_role=ProcessRole.NOTE_TAKER)
    for key, name in (
        ("lea", "Léa Martel"),
        ("thomas", "Thomas Bergeron-Nguyen"),
        ("ines", "Inès Saidi"),
        ("maxime", "Maxime Gingras"),
        ("chloe", "Chloé Desjardins"),
        ("antoine", "Antoine Beaulieu"),
        ("priya", "Priya Raman"),
        ("gabriel", "Gabriel Auger"),
    )
)

# Two facilitators from the public organisations, two from the living lab. The first one
# creates the process, so the process_create service makes her its first facilitator.
FACILITATORS: tuple[Person, ...] = (
    _pro(
        "genevieve",
        "Geneviève Arsenault",
        MG,
        "arrondissement",
        email=f"animation@{DEMO_DOMAIN}",
        process_role=ProcessRole.FACILITATOR,
    ),
    _pro("bruno", "Bruno Fontaine", MG, "ciusss", process_role=ProcessRole.FACILITATOR),
    Person(
        "sarah", "Sarah Lévesque", StakeholderRole.OTHER, (SCI,), "citeid", ProcessRole.FACILITATOR
    ),
    Person("hugo", "Hugo Pham", StakeholderRole.OTHER, (SCI,), "citeid", ProcessRole.FACILITATOR),
)

PEOPLE: tuple[Person, ...] = (
    SENIORS + OTHER_LAY + PROFESSIONALS + RESEARCHERS + NOTE_TAKERS + FACILITATORS
)
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"

DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("facilitator / animatrice", f"animation@{DEMO_DOMAIN}"),
    ("participant (resident / résidente)", f"participant@{DEMO_DOMAIN}"),
    ("moderator / modératrice", f"moderation@{DEMO_DOMAIN}"),
    ("site administrator / administration", ADMIN_EMAIL),
)


def person_email(person: Person) -> str:
    """``firstname.lastname@demo.coprod.ca``, without accents or apostrophes."""
    if person.email:
        return person.email
    plain = unicodedata.normalize("NFKD", person.name).encode("ascii", "ignore").decode()
    first, *rest = plain.lower().replace("'", "").split()
    return f"{first}.{'-'.join(rest)}@{DEMO_DOMAIN}"


# --- The process and its phases ---------------------------------------------------------------

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


D = dt.date
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

# --- Needs (phase 1) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedSpec:
    key: str
    author: str
    knowledge: str
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    rank: int | None = None
    out_of_scope: tuple[str, str] | None = None  # the reason, French then English
    language: str = "fr"  # the language its author wrote it in

    @property
    def status(self) -> str:
        return NeedStatus.OUT_OF_SCOPE if self.out_of_scope else NeedStatus.VALIDATED


NEEDS: tuple[NeedSpec, ...] = (
    NeedSpec(
        key="N1",
        author="gisele",
        knowledge=EXP,
        title_fr="On ne sait pas qui appeler",
        title_en="We don't know whom to call",
        description_fr=(
            "Quand il fait trop chaud, on ne sait pas à qui téléphoner : le CLSC, le 811, le 311, "
            "l'organisme? On finit par n'appeler personne."
        ),
        description_en=(
            "When it is too hot we don't know whom to phone: the CLSC, 811, 311, a community "
            "group? In the end we call nobody."
        ),
        rank=1,
    ),
    NeedSpec(
        key="N2",
        author="rejean",
        knowledge=EXP,
        title_fr="Les haltes climatisées sont trop loin",
        title_en="Cooling spaces are too far",
        description_fr=(
            "Avec une marchette, 20 minutes de marche au soleil pour se rafraîchir, c'est "
            "dangereux ou impossible."
        ),
        description_en=(
            "With a walker, a 20-minute walk in the sun to cool down is dangerous or impossible."
        ),
        rank=2,
    ),
    NeedSpec(
        key="N3",
        author="fatima",
        knowledge=EXP,
        title_fr="Les appels automatisés ne rejoignent pas les gens sans téléphone fixe",
        title_en="Automated calls miss people without a landline",
        description_fr=(
            "Beaucoup d'entre nous n'ont plus de ligne fixe, ou un cellulaire prépayé souvent "
            "éteint. Les messages automatiques ne nous arrivent pas."
        ),
        description_en=(
            "Many of us no longer have a landline, or only a prepaid cell phone that is often "
            "off. Automated messages never reach us."
        ),
        rank=3,
    ),
    NeedSpec(
        key="N4",
        author="jacqueline",
        knowledge=EXP,
        title_fr="Peur de sortir le soir",
        title_en="Fear of going out at night",
        description_fr=(
            "Le soir, quand il fait enfin plus frais dehors, on n'ose pas sortir seule pour aller "
            "dans un lieu climatisé."
        ),
        description_en=(
            "In the evening, when it is finally cooler outside, we don't dare go out alone to a "
            "cooling space."
        ),
    ),
    NeedSpec(
        key="N5",
        author="julie",
        knowledge=PRA,
        title_fr="Les personnes les plus isolées ne sont pas inscrites au registre",
        title_en="The most isolated people are not in the at-risk registry",
        description_fr=(
            "Le registre des personnes à risque compte 410 personnes; nous estimons qu'il en "
            "manque au moins autant, surtout des personnes sans service du CLSC."
        ),
        description_en=(
            "The at-risk registry lists 410 people; we estimate at least as many are missing, "
            "especially people who receive no CLSC service."
        ),
        rank=4,
    ),
    NeedSpec(
        key="N6",
        author="camille",
        knowledge=EXP,
        title_fr="Les logements sont trop chauds la nuit",
        title_en="Homes are too hot at night",
        description_fr=(
            "Aux étages supérieurs, il fait plus de 30 °C à minuit; on ne récupère pas et le "
            "lendemain est pire."
        ),
        description_en=(
            "On upper floors it is over 30 °C at midnight; people cannot recover and the next day "
            "is worse."
        ),
        rank=5,
    ),
    NeedSpec(
        key="N7",
        author="therese",
        knowledge=EXP,
        title_fr="Le personnel ne connaît pas la réalité des aîné·e·s isolé·e·s",
        title_en="Staff do not know the reality of isolated seniors",
        description_fr=(
            "On se fait parler vite, avec des mots compliqués, par des gens pressés qui ne savent "
            "pas ce que c'est de vivre seule au troisième étage."
        ),
        description_en=(
            "People in a hurry talk to us fast, with complicated words, without knowing what it "
            "is like to live alone on the third floor."
        ),
    ),
    NeedSpec(
        key="N8",
        author="margaret",
        knowledge=EXP,
        title_fr="Les consignes de chaleur sont compliquées et surtout en français",
        title_en="Heat advice is complicated and mostly in French",
        description_fr=(
            "Les dépliants sont longs et techniques, et la version anglaise arrive tard ou pas du "
            "tout."
        ),
        description_en=(
            "The flyers are long and technical, and the English version comes late or not at all."
        ),
        language="en",
    ),
    NeedSpec(
        key="N9",
        author="isabelle",
        knowledge=PRA,
        title_fr="Les organismes ne se coordonnent pas pendant un avis de chaleur",
        title_en="Organisations do not coordinate during a heat warning",
        description_fr=(
            "Chaque organisme appelle ses membres de son côté : certaines personnes reçoivent "
            "quatre appels, d'autres aucun."
        ),
        description_en=(
            "Each organisation calls its own members: some people get four calls, others none."
        ),
    ),
    NeedSpec(
        key="N10",
        author="claire",
        knowledge=SCI,
        title_fr="Pas de données fiables sur les personnes jointes",
        title_en="No reliable data on who was reached",
        description_fr=(
            "Sans savoir qui a été joint, et en combien de temps, on ne peut pas savoir si la "
            "prévention fonctionne."
        ),
        description_en=(
            "Without knowing who was reached, and how fast, nobody can tell whether prevention "
            "works."
        ),
    ),
    NeedSpec(
        key="N11",
        author="nadia",
        knowledge=PRA,
        title_fr="Beaucoup d'aîné·e·s n'ont ni climatiseur ni ventilateur",
        title_en="Many seniors have neither an air conditioner nor a fan",
        description_fr=(
            "Sur nos routes de popote, une personne sur trois n'a aucun moyen de se rafraîchir à "
            "domicile."
        ),
        description_en="On our meal routes, one person in three has no way to cool down at home.",
    ),
    NeedSpec(
        key="N12",
        author="ahmed",
        knowledge=EXP,
        title_fr="Climatiser tous les logements HLM",
        title_en="Air-condition every public-housing unit",
        description_fr="Il faudrait un climatiseur dans chaque logement des HLM.",
        description_en="Every public-housing unit should have an air conditioner.",
        out_of_scope=(
            "Les travaux sur le parc de logements de l'OMHM dépassent le mandat de la démarche "
            "et l'enveloppe de 60 000 $; le besoin est transmis au plan de rénovation de l'OMHM.",
            "Works on the OMHM's housing stock are beyond this process's mandate and its "
            "$60,000 envelope; the need is passed on to the OMHM's renovation plan.",
        ),
    ),
    NeedSpec(
        key="N13",
        author="eric",
        knowledge=PRA,
        title_fr="Abaisser les seuils d'alerte de chaleur",
        title_en="Lower the heat-warning thresholds",
        description_fr=(
            "Les avis arrivent trop tard pour les personnes fragiles; il faudrait déclencher plus "
            "tôt."
        ),
        description_en="Warnings come too late for frail people; they should be triggered earlier.",
        out_of_scope=(
            "Les seuils d'alerte relèvent de la santé publique et ne sont pas négociables dans "
            "cette démarche; la DRSP a reçu la demande.",
            "Alert thresholds are set by public health and are not negotiable in this process; "
            "the DRSP has received the request.",
        ),
    ),
    NeedSpec(
        key="N14",
        author="rafael",
        knowledge=SCI,
        title_fr="Verdir les ruelles pour réduire les îlots de chaleur",
        title_en="Green the laneways to reduce heat islands",
        description_fr=(
            "Le verdissement réduit la température de surface de plusieurs degrés autour des "
            "habitations."
        ),
        description_en="Greening lowers surface temperature by several degrees around homes.",
        out_of_scope=(
            "Le verdissement relève du plan climat de l'arrondissement, pas du service de "
            "prévention; le besoin y est transmis.",
            "Greening belongs to the borough's climate plan, not to the prevention service; the "
            "need is passed on to it.",
        ),
    ),
)

# Dates of the peer-group sessions, by the knowledge of the group (croisement des savoirs).
NEED_SESSIONS: dict[str, dt.date] = {EXP: D(2026, 2, 10), PRA: D(2026, 2, 17), SCI: D(2026, 2, 24)}

# --- Ideas (phase 2) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaSpec:
    key: str
    author: str
    knowledge: str
    title_fr: str
    title_en: str
    needs: tuple[str, ...]
    table: int | None = None  # world-café table; None when a participant submitted it online
    language: str = "fr"

    @property
    def origin(self) -> str:
        return IdeaOrigin.WORKSHOP if self.table else IdeaOrigin.PARTICIPANT


WORLD_CAFE = D(2026, 5, 19)
I = IdeaSpec  # noqa: E741  (the table below reads better with a short name)
# One idea a line: key, author, knowledge, title (FR, EN), needs, world-café table, language.
# fmt: off
IDEAS: tuple[IdeaSpec, ...] = (
    # The eight ideas adopted (fully or with changes): six from lived experience, two professional.
    I("buddy", "carmen", EXP, "Jumeler chaque aîné·e isolé·e avec un·e voisin·e vigilant·e", "Pair each isolated senior with a watchful neighbour", ("N4", "N5", "N9"), 1),
    I("doors", "fatima", EXP, "Visites à domicile pour les personnes sans téléphone", "Home visits for people without a phone", ("N3", "N5"), 2),
    I("calls", "julie", PRA, "Appels proactifs du CLSC dans les 24 h suivant l'avis de chaleur", "Proactive CLSC calls within 24 hours of a heat warning", ("N1", "N3", "N10"), 3),
    I("rooms", "ahmed", EXP, "Ouvrir les salles communautaires climatisées des HLM et les bibliothèques le soir", "Open air-conditioned public-housing community rooms and libraries in the evening", ("N2", "N6"), 4),
    I("shuttle", "rejean", EXP, "Une navette gratuite vers les lieux climatisés", "A free shuttle to cooling spaces", ("N2", "N4"), 5),
    I("flyer", "margaret", EXP, "Un dépliant en langage clair, en français et en anglais, et une carte « Qui appeler » pour le frigo", "A plain-language flyer in French and English, and a 'Whom to call' card for the fridge", ("N1", "N8"), 6, "en"),
    I("fans", "nadia", PRA, "Distribuer des ventilateurs et des thermomètres", "Hand out fans and thermometers", ("N6", "N11"), 7),
    I("training", "therese", EXP, "Des aîné·e·s forment le personnel et les bénévoles", "Seniors train staff and volunteers", ("N7",), 8),
    # Rejected: privacy law does not allow sharing the registry with volunteers.
    I("registry", "mamadou", PRA, "Partager le registre des personnes à risque avec les bénévoles", "Share the at-risk registry with the volunteers", ("N5", "N9"), 1),
    # Lived experience, not retained among the nine proposals.
    I("hotline", "yvette", EXP, "Une ligne « Chaleur aîné·e·s » où répond une vraie personne", "A 'Seniors and heat' line answered by a real person", ("N1",), 2),
    I("benches", "denise", EXP, "Des bancs à l'ombre et des fontaines sur le chemin des haltes", "Shaded benches and water fountains on the way to cooling spaces", ("N2",)),
    I("window", "evelyn", EXP, "Un carton vert ou rouge à la fenêtre pour dire « ça va » ou « j'ai besoin d'aide »", "A green or red card in the window saying 'I'm fine' or 'I need help'", ("N3", "N5"), 3, "en"),
    I("churches", "marieclaire", EXP, "Des haltes-fraîcheur dans les sous-sols d'églises", "Cooling stops in church basements", ("N2",), 4),
    I("activities", "giuseppe", EXP, "Des activités et des jeux dans les lieux climatisés pour donner envie d'y aller", "Activities and games in cooling spaces so people want to go", ("N2",), 5),
    I("pharmacy", "long", EXP, "Un rappel de la pharmacie sur les médicaments qui rendent la chaleur dangereuse", "A pharmacy reminder about medicines that make heat dangerous", ("N1",)),
    I("water", "daniel", EXP, "De l'eau fraîche livrée avec la popote roulante", "Cool water delivered with the meals on wheels", ("N11",), 6),
    I("curtains", "sophie", EXP, "Des rideaux et des films isolants pour les fenêtres", "Insulating curtains and window films", ("N6", "N12"), 7),
    I("walks", "jacqueline", EXP, "Des marches accompagnées, en groupe, vers les haltes en soirée", "Accompanied group walks to cooling spaces in the evening", ("N4",), 8),
    I("radio", "pierre", EXP, "Passer les consignes à la radio communautaire et dans les églises", "Share the advice on community radio and in churches", ("N8",)),
    I("boards", "linh", EXP, "Un babillard des ressources dans chaque HLM", "A resource board in every public-housing building", ("N1",), 1),
    I("concierges", "luc", EXP, "Former les concierges à repérer les locataires en difficulté", "Train building concierges to spot tenants in trouble", ("N5",), 2),
    I("languages", "harold", EXP, "Des messages en anglais et dans d'autres langues (italien, espagnol, arabe, vietnamien)", "Messages in English and other languages (Italian, Spanish, Arabic, Vietnamese)", ("N8",), None, "en"),
    # Professional (practice and research), not retained.
    I("popote_signup", "samuel", PRA, "Inscrire au registre lors des livraisons de la popote", "Sign people up to the registry during meal deliveries", ("N5",), 3),
    I("dashboard", "aicha", PRA, "Un tableau de bord partagé entre le CLSC et les organismes pendant l'avis", "A dashboard shared by the CLSC and the organisations during a warning", ("N9", "N10"), 4),
    I("cell", "stephane", PRA, "Une cellule de coordination de quartier activée à chaque avis", "A neighbourhood coordination cell activated at every warning", ("N9",), 5),
    I("heatmap", "rafael", SCI, "Croiser la carte des îlots de chaleur avec les adresses inscrites", "Cross the heat-island map with registered addresses", ("N10", "N14"), 6),
    I("evaluation", "emilie", SCI, "Évaluer les visites avant-après, avec un arrondissement témoin", "Evaluate the visits before and after, with a comparison borough", ("N10",), 7),
    I("sensors", "youssef", SCI, "Des capteurs de température dans des logements volontaires", "Temperature sensors in volunteer households", ("N6",)),
    I("pools", "patrick", PRA, "Prolonger les heures des piscines et des jeux d'eau pour les 65 ans et plus", "Longer pool and splash-pad hours for people aged 65 and over", ("N2",), 8),
    I("sms", "eric", PRA, "Des textos d'alerte ciblés", "Targeted text-message alerts", ("N3",), 1),
    I("kit", "nathalie", PRA, "Une trousse chaleur remise lors des visites de soutien à domicile", "A heat kit handed out during home-care visits", ("N11",), 2),
    I("first_aid", "amelie", PRA, "Former les bénévoles aux premiers secours en cas de coup de chaleur", "Train volunteers in first aid for heat stroke", ("N7",), 3),
    I("three11", "sylvie", PRA, "Intégrer les appels de vérification aux routines du 311", "Build check-in calls into the 311 routines", ("N1",)),
    I("medicines", "marcandre", PRA, "Une revue des médicaments à risque par les pharmacien·ne·s communautaires", "A review of at-risk medicines by community pharmacists", ("N11",), 4),
)
# fmt: on
# Ideas submitted online keep only their author's language: a facilitator had not yet translated.
UNTRANSLATED_IDEAS = frozenset({"pharmacy", "sensors", "languages"})

# --- Comments -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentSpec:
    on: str  # a need code (N1...) or an idea key
    author: str
    knowledge: str
    body: str
    on_day: dt.date
    hidden_reason: str = ""


# fmt: off
COMMENTS: tuple[CommentSpec, ...] = (
    CommentSpec("N1", "margaret", EXP, "Last summer I called three numbers before anyone answered. One number on the fridge would change everything.", D(2026, 3, 2)),
    CommentSpec("N2", "rejean", EXP, "La halte la plus proche est à 25 minutes à pied pour moi. Avec ma marchette, en juillet, c'est non.", D(2026, 3, 3)),
    CommentSpec("N3", "nadia", PRA, "Sur nos routes, une personne sur cinq n'a qu'un cellulaire prépayé, souvent sans minutes.", D(2026, 3, 4)),
    CommentSpec("N6", "camille", EXP, "J'habite au 3e : le thermomètre indiquait 33 °C à minuit en juillet dernier.", D(2026, 3, 5)),
    CommentSpec("N4", "luc", EXP, "Mme L. au 4e du 21XX rue Ontario ne sort plus du tout, appelez-la au 514-555-0142.", D(2026, 3, 6), hidden_reason="Renseignements personnels d'une tierce personne (nom, adresse, téléphone). La situation a été transmise au CLSC."),
    CommentSpec("shuttle", "winston", EXP, "A shuttle is great, but please make it run in the evening too, when it is cooler.", D(2026, 5, 21)),
    CommentSpec("flyer", "dorothy", EXP, "Happy to help proofread the English version. Large print, please!", D(2026, 5, 22)),
    CommentSpec("registry", "claire", SCI, "Attention : la Loi 25 encadre strictement la communication de ces renseignements à des tiers, même bénévoles.", D(2026, 5, 22)),
)
# fmt: on

# --- The decision (June 2026) --------------------------------------------------------------------

DECIDED_ON = D(2026, 6, 9)  # 21 days after the world café
DECISION_FIELDS: dict[str, Any] = {
    "body_fr": "Conseil d'arrondissement et comité de direction du CIUSSS",
    "body_en": "Borough council and CIUSSS steering committee",
    "summary_fr": "Des 9 propositions issues de la revue de faisabilité, 6 sont adoptées, 2 "
    "adoptées avec modifications et 1 refusée, avec ses motifs. L'enveloppe de 60 000 $ "
    "finance les actions A1 à A8 de l'été 2026.",
    "summary_en": "Of the 9 proposals from the feasibility review, 6 are adopted, 2 adopted "
    "with changes and 1 rejected, with its reasons. The $60,000 envelope funds actions A1 to "
    "A8 for summer 2026.",
}


@dataclass(frozen=True)
class ItemSpec:
    idea: str
    outcome: str
    rationale_fr: str = ""
    rationale_en: str = ""


DECISION_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        idea="buddy",
        outcome=Outcome.ADAPTED,
        rationale_fr=(
            "Adoptée avec modification : les bénévoles sont jumelé·e·s seulement avec des "
            "personnes qui s'inscrivent elles-mêmes auprès de l'association des locataires ou du "
            "Carrefour; le registre des personnes à risque reste au CLSC."
        ),
        rationale_en=(
            "Adopted with a change: volunteers are paired only with people who sign up themselves "
            "with the tenants' association or the seniors' hub; the at-risk registry stays with "
            "the CLSC."
        ),
    ),
    ItemSpec("doors", Outcome.ADOPTED),
    ItemSpec("calls", Outcome.ADOPTED),
    ItemSpec(
        idea="rooms",
        outcome=Outcome.ADAPTED,
        rationale_fr=(
            "Adoptée avec modification : deux salles communautaires de HLM climatisées plutôt que "
            "cinq, faute de personnel pour les ouvrir; les bibliothèques ferment à 21 h les jours "
            "d'avis de chaleur seulement."
        ),
        rationale_en=(
            "Adopted with a change: two air-conditioned public-housing community rooms rather "
            "than five, for lack of staff to open them; libraries close at 9 p.m. on heat-warning "
            "days only."
        ),
    ),
    ItemSpec("shuttle", Outcome.ADOPTED),
    ItemSpec("flyer", Outcome.ADOPTED),
    ItemSpec("fans", Outcome.ADOPTED),
    ItemSpec("training", Outcome.ADOPTED),
    ItemSpec(
        idea="registry",
        outcome=Outcome.REJECTED,
        rationale_fr=(
            "Refusée : la loi sur la protection des renseignements personnels (Loi 25) et les "
            "règles du CIUSSS ne permettent pas de communiquer le registre des personnes à risque "
            "à des bénévoles. À la place, les bénévoles signalent au CLSC, avec l'accord de la "
            "personne, celles qu'ils jugent à risque, et le CLSC fait le suivi."
        ),
        rationale_en=(
            "Rejected: privacy law (Québec's Law 25) and the CIUSSS's rules do not allow the "
            "at-risk registry to be shared with volunteers. Instead, volunteers refer people they "
            "consider at risk to the CLSC, with the person's agreement, and the CLSC follows up."
        ),
    ),
)

# --- Actions (phase 3) ----------------------------------------------------------------------------


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

# --- Indicators (phase 4) -------------------------------------------------------------------------


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


# --- The loader ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`demo_load` wrote: counts per kind of object, and how to sign in."""

    process_slug: str
    counts: dict[str, int]
    logins: tuple[tuple[str, str], ...] = DEMO_LOGINS
    password: str = DEMO_PASSWORD


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> DemoSummary:
    """Load (or bring back) the demo scenario; running it again changes nothing.

    ``today`` decides when the last phase ends, so that it is open for a while whenever the
    demo is loaded.
    """
    today = today or timezone.localdate()
    orgs = _load_organisations()
    users = _load_users(orgs)
    _load_profiles(users)
    process = _load_process(users["genevieve"], orgs)
    phases = _load_phases(process, today)
    participants = _load_participants(process, users, orgs)
    needs = _load_needs(process, phases[1], participants)
    ideas = _load_ideas(process, phases[2], participants, needs)
    _load_comments(needs, ideas, participants, moderator=users["maude"])
    items = _load_decision(process, ideas, recorded_by=users["genevieve"])
    actions = _load_actions(process, items, participants, orgs, users)
    _load_indicators(process, actions, needs, users)
    return DemoSummary(process_slug=process.slug, counts=demo_counts(process))


def demo_counts(process: Process) -> dict[str, int]:
    """How many of each thing the demo holds (what visitors added included)."""
    demo_people = User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    return {
        "organisations": Organisation.objects.filter(
            name_fr__in=[org.name_fr for org in ORGANISATIONS]
        ).count(),
        "people": demo_people.count(),
        "consents": demo_people.filter(consents__isnull=False).count(),
        "profiles": demo_people.filter(profile__isnull=False).count(),
        "participants": process.participants.count(),
        "phases": process.phases.count(),
        "needs": process.needs.count(),
        "ideas": process.ideas.count(),
        "comments": Comment.objects.filter(author__process=process).count(),
        "decisions": process.decisions.count(),
        "decision items": DecisionItem.objects.filter(decision__process=process).count(),
        "actions": process.actions.count(),
        "co-deliverers": ActionContributor.objects.filter(action__process=process).count(),
        "action updates": ActionUpdate.objects.filter(action__process=process).count(),
        "indicators": process.indicators.count(),
        "measurements": Measurement.objects.filter(indicator__process=process).count(),
    }


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    """An aware date-time in Montréal, to date what happened before the demo was loaded."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _suffix(language: str) -> str:
    return "en" if language.startswith("en") else "fr"


def _load_organisations() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:  # parents are listed before their children
        orgs[spec.key], _created = Organisation.objects.update_or_create(
            name_fr=spec.name_fr,
            defaults={
                "name_en": spec.name_en,
                "kind": spec.kind,
                "territory": spec.territory,
                "parent": orgs[spec.parent] if spec.parent else None,
            },
        )
    return orgs


def _load_users(orgs: Mapping[str, Organisation]) -> dict[str, User]:
    """The demo people, who can sign in at once: a usable password and a verified address.

    Upserts keyed on the e-mail address (three queries, not three per person) and one
    password hash for everyone: one by one, these took most of the loading time.
    """
    password = make_password(DEMO_PASSWORD)
    admin = User(
        email=ADMIN_EMAIL, display_name="Administration Coprod", is_staff=True, is_superuser=True
    )
    rows = [
        User(email=person_email(p), display_name=p.name, preferred_language=p.language)
        for p in PEOPLE
    ]
    for row in [*rows, admin]:
        row.password = password
    User.objects.bulk_create(
        [*rows, admin],
        update_conflicts=True,
        unique_fields=["email"],
        update_fields=[
            "display_name",
            "preferred_language",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
        ],
    )
    emails = [row.email for row in (*rows, admin)]
    by_email = {u.email: u for u in User.objects.filter(email__in=emails)}
    _verify_addresses(by_email.values())
    users = {person.key: by_email[person_email(person)] for person in PEOPLE}
    Membership.objects.bulk_create(
        [
            Membership(user=users[p.key], organisation=orgs[p.org], role=_membership_role(p))
            for p in PEOPLE
            if p.org
        ],
        update_conflicts=True,
        unique_fields=["user", "organisation"],
        update_fields=["role"],
    )
    return users


def _membership_role(person: Person) -> str:
    """Facilitators organise processes in their organisation; the others are members."""
    if person.process_role == ProcessRole.FACILITATOR:
        return MembershipRole.ORGANISER
    return MembershipRole.MEMBER


def _verify_addresses(users: Iterable[User]) -> None:
    """Mark each demo address verified, as allauth requires before a first sign-in."""
    users = list(users)
    known = set(EmailAddress.objects.filter(user__in=users).values_list("email", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in users
        if user.email not in known
    )
    EmailAddress.objects.filter(user__in=users, email=F("user__email")).update(
        verified=True, primary=True
    )


def _load_profiles(users: Mapping[str, User]) -> None:
    for person in PEOPLE:
        if person.facts is None:
            continue
        user = users[person.key]
        consent_give(user=user, scope=ConsentScope.EQUITY_STATS, language=person.language)
        profile_save(
            user=user,
            data={
                "age_band": person.facts.age_band,
                "postal_prefix": person.facts.postal_prefix,
                "languages_spoken": person.facts.languages,
                "lives_alone": person.facts.lives_alone,
            },
        )


def _load_process(creator: User, orgs: Mapping[str, Organisation]) -> Process:
    lead = orgs[LEAD_ORGANISATION]
    process = Process.objects.filter(slug=PROCESS_SLUG).first()
    if process is None:
        process = services.process_create(
            created_by=creator,
            lead_organisation=lead,
            fields={"slug": PROCESS_SLUG, **PROCESS_FIELDS},
        )
    Process.objects.filter(pk=process.pk).update(
        lead_organisation=lead, created_at=_at(D(2025, 12, 1)), **PROCESS_FIELDS
    )
    process.refresh_from_db()
    process.partners.set([orgs[key] for key in PARTNERS])
    return process


def _load_phases(process: Process, today: dt.date) -> dict[int, Phase]:
    open_until = max(OPEN_PHASE_MIN_END, today + dt.timedelta(days=OPEN_PHASE_MIN_DAYS))
    phases: dict[int, Phase] = {}
    for spec in PHASES:
        phases[spec.seq], _created = Phase.objects.update_or_create(
            process=process,
            seq=spec.seq,
            defaults={
                "co_type": spec.co_type,
                "living_lab_stage": spec.stage,
                "title_fr": spec.title_fr,
                "title_en": spec.title_en,
                "description_fr": spec.description_fr,
                "description_en": spec.description_en,
                "starts_on": spec.starts_on,
                "ends_on": spec.ends_on or open_until,
                "iap2_promised": spec.iap2,
                "iteration": spec.iteration,
                "accepts_comments": True,
                **{flag: flag in spec.flags for flag in PHASE_FLAGS},
            },
        )
    return phases


def _load_participants(
    process: Process, users: Mapping[str, User], orgs: Mapping[str, Organisation]
) -> dict[str, Participant]:
    participants: dict[str, Participant] = {}
    for person in PEOPLE:
        participant = services.participant_join(
            process=process,
            user=users[person.key],
            stakeholder_role=person.role,
            knowledge_types=person.knowledge,
            organisation=orgs[person.org] if person.org else None,
            process_role=person.process_role,
        )
        # Joining keeps a first participation (the creator's, made by process_create):
        # bring it back to what the scenario says.
        Participant.objects.filter(pk=participant.pk).update(
            stakeholder_role=person.role,
            process_role=person.process_role,
            organisation=orgs[person.org] if person.org else None,
            joined_at=_at(D(2026, 1, 12), 9),
            **{kind: kind in person.knowledge for kind in KnowledgeType.values},
        )
        participants[person.key] = participant
    return participants


def _original(spec: NeedSpec | IdeaSpec, name: str) -> str:
    """The text as its author wrote it, in their own language."""
    return str(getattr(spec, f"{name}_{spec.language}", ""))


def _find(contributions: models.QuerySet[Any], spec: NeedSpec | IdeaSpec) -> Any:
    """A need or idea already loaded, found by its title in its author's language."""
    return contributions.filter(**{f"title_{spec.language}": _original(spec, "title")}).first()


def _load_needs(
    process: Process, phase: Phase, participants: Mapping[str, Participant]
) -> dict[str, Need]:
    needs: dict[str, Need] = {}
    for spec in NEEDS:
        need = _find(process.needs.all(), spec)
        if need is None:
            need = services.need_submit(
                process=process,
                author=participants[spec.author],
                title=_original(spec, "title"),
                description=_original(spec, "description"),
                knowledge_type=spec.knowledge,
                language=spec.language,
            )
        # A facilitator translated each need; the pairwise vote ranked the first five.
        Need.objects.filter(pk=need.pk).update(
            phase=phase,
            title_fr=spec.title_fr,
            title_en=spec.title_en,
            description_fr=spec.description_fr,
            description_en=spec.description_en,
            priority_rank=spec.rank,
            created_at=_at(NEED_SESSIONS[spec.knowledge]),
        )
        reason = "\n\n".join(spec.out_of_scope) if spec.out_of_scope else ""
        services.need_set_status(need=need, status=spec.status, reason=reason)
        needs[spec.key] = need
    return needs


def _load_ideas(
    process: Process,
    phase: Phase,
    participants: Mapping[str, Participant],
    needs: Mapping[str, Need],
) -> dict[str, Idea]:
    ideas: dict[str, Idea] = {}
    for spec in IDEAS:
        addressed = [needs[key] for key in spec.needs]
        note = f"Café du monde / World café, {WORLD_CAFE:%Y-%m-%d}, table {spec.table}"
        idea = _find(process.ideas.all(), spec)
        if idea is None:
            idea = services.idea_submit(
                process=process,
                author=participants[spec.author],
                title=_original(spec, "title"),
                needs=addressed,
                knowledge_type=spec.knowledge,
                origin=spec.origin,
                origin_note=note if spec.table else "",
                language=spec.language,
            )
        translated = spec.key not in UNTRANSLATED_IDEAS
        Idea.objects.filter(pk=idea.pk).update(
            phase=phase,
            title_fr=spec.title_fr if translated or spec.language == "fr" else "",
            title_en=spec.title_en if translated or spec.language == "en" else "",
            created_at=_at(WORLD_CAFE if spec.table else WORLD_CAFE - dt.timedelta(days=7)),
        )
        idea.needs.set(addressed)
        ideas[spec.key] = idea
    return ideas


def _load_comments(
    needs: Mapping[str, Need],
    ideas: Mapping[str, Idea],
    participants: Mapping[str, Participant],
    *,
    moderator: User,
) -> None:
    for spec in COMMENTS:
        target: Need | Idea = needs[spec.on] if spec.on in needs else ideas[spec.on]
        author = participants[spec.author]
        on = {"need": target} if isinstance(target, Need) else {"idea": target}
        comment = Comment.objects.filter(author=author, body=spec.body, **on).first()
        if comment is None:
            comment = services.comment_add(
                author=author, target=target, body=spec.body, knowledge_type=spec.knowledge
            )
        if spec.hidden_reason and not comment.is_hidden:
            services.contribution_hide(
                contribution=comment, reason=spec.hidden_reason, by=moderator
            )
        dates: dict[str, Any] = {"created_at": _at(spec.on_day)}
        if spec.hidden_reason:
            dates["hidden_at"] = _at(spec.on_day, 17)
        Comment.objects.filter(pk=comment.pk).update(**dates)


def _load_decision(
    process: Process, ideas: Mapping[str, Idea], *, recorded_by: User
) -> dict[str, DecisionItem]:
    decided = [
        services.ItemDecided(
            idea=ideas[spec.idea],
            outcome=spec.outcome,
            rationale_fr=spec.rationale_fr,
            rationale_en=spec.rationale_en,
        )
        for spec in DECISION_ITEMS
    ]
    body = DECISION_FIELDS["body_fr"]
    decision = process.decisions.filter(body_fr=body, decided_on=DECIDED_ON).first()
    if decision is None:
        decision = services.decision_record(
            process=process,
            decided_on=DECIDED_ON,
            items=decided,
            recorded_by=recorded_by,
            **DECISION_FIELDS,
        )
    for item in decided:
        DecisionItem.objects.update_or_create(
            decision=decision,
            idea=item.idea,
            defaults={
                "outcome": item.outcome,
                "rationale_fr": item.rationale_fr,
                "rationale_en": item.rationale_en,
            },
        )
    # Published the evening it was taken, 21 days after the world café.
    Decision.objects.filter(pk=decision.pk).update(
        published_at=_at(DECIDED_ON, 18), **DECISION_FIELDS
    )
    return {spec.idea: decision.items.get(idea=ideas[spec.idea]) for spec in DECISION_ITEMS}


def _co_deliverer(
    spec: Contribution,
    participants: Mapping[str, Participant],
    orgs: Mapping[str, Organisation],
) -> services.CoDeliverer:
    return services.CoDeliverer(
        participant=participants[spec.person] if spec.person else None,
        organisation=orgs[spec.org] if spec.org else None,
        role=spec.role,
        hours=Decimal(spec.hours),
    )


def _load_actions(
    process: Process,
    items: Mapping[str, DecisionItem],
    participants: Mapping[str, Participant],
    orgs: Mapping[str, Organisation],
    users: Mapping[str, User],
) -> dict[str, Action]:
    actions: dict[str, Action] = {}
    for spec in ACTIONS:
        fields = {
            "code": spec.code,
            "title_fr": spec.title_fr,
            "title_en": spec.title_en,
            "description_fr": spec.description_fr,
            "description_en": spec.description_en,
            "owner_organisation": orgs[spec.owner],
            "starts_on": spec.starts_on,
            "due_on": spec.due_on,
        }
        carried_out = [items[key] for key in spec.items]
        co_deliverers = [_co_deliverer(c, participants, orgs) for c in spec.contributors]
        action = process.actions.filter(code=spec.code).first()
        if action is None:
            action = services.action_create(
                process=process,
                fields=fields,
                decision_items=carried_out,
                co_deliverers=co_deliverers,
            )
        else:
            Action.objects.filter(pk=action.pk).update(**fields)
            action.decision_items.set(carried_out)
            _sync_co_deliverers(action, co_deliverers)
        _load_updates(action, spec.updates, users)
        actions[spec.code] = action
    return actions


def _sync_co_deliverers(action: Action, co_deliverers: Iterable[services.CoDeliverer]) -> None:
    for c in co_deliverers:
        ActionContributor.objects.update_or_create(
            action=action,
            participant=c.participant,
            organisation=c.organisation,
            role=c.role,
            defaults={"hours": c.hours},
        )


def _load_updates(action: Action, updates: Iterable[UpdateSpec], users: Mapping[str, User]) -> None:
    last: UpdateSpec | None = None
    for spec in sorted(updates, key=lambda u: u.on):
        if not action.updates.filter(happened_on=spec.on).exists():
            services.action_update_add(
                action=action,
                happened_on=spec.on,
                status=spec.status,
                progress_pct=spec.progress,
                text=spec.text_fr,
                author=users[spec.author],
                language="fr",
            )
        action.updates.filter(happened_on=spec.on).update(
            text_fr=spec.text_fr, text_en=spec.text_en, created_at=_at(spec.on, 17)
        )
        last = spec
    if last is not None:  # the action stands where its latest update left it
        progress = 100 if last.status == ActionStatus.COMPLETED else last.progress
        Action.objects.filter(pk=action.pk).update(status=last.status, progress_pct=progress)


def _load_indicators(
    process: Process,
    actions: Mapping[str, Action],
    needs: Mapping[str, Need],
    users: Mapping[str, User],
) -> None:
    for spec in INDICATORS:
        fields = {
            "code": spec.code,
            "name_fr": spec.name_fr,
            "name_en": spec.name_en,
            "unit": spec.unit,
            "kind": spec.kind,
            "direction": spec.direction,
            "baseline_value": Decimal(spec.baseline) if spec.baseline else None,
            "baseline_on": BASELINE_ON if spec.baseline else None,
            "target_value": Decimal(spec.target) if spec.target else None,
            "target_on": TARGET_ON if spec.target else None,
        }
        measured = [actions[code] for code in spec.actions]
        followed = [needs[key] for key in spec.needs]
        indicator = process.indicators.filter(code=spec.code).first()
        if indicator is None:
            indicator = services.indicator_create(
                process=process, fields=fields, actions=measured, needs=followed
            )
        else:
            Indicator.objects.filter(pk=indicator.pk).update(**fields)
            indicator.actions.set(measured)
            indicator.needs.set(followed)
        for measurement in spec.measurements:
            _load_measurement(indicator, measurement, users)


def _load_measurement(
    indicator: Indicator, spec: MeasurementSpec, users: Mapping[str, User]
) -> None:
    entered_by = users[spec.entered_by]
    found = indicator.measurements.filter(measured_on=spec.on)
    if not found.exists():
        services.measurement_add(
            indicator=indicator,
            value=Decimal(spec.value),
            measured_on=spec.on,
            source=spec.source,
            entered_by=entered_by,
        )
    found.update(
        value=Decimal(spec.value),
        source=spec.source,
        entered_by=entered_by,
        created_at=_at(spec.on, 16),
    )
