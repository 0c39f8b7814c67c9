"""The demo scenario's organisations and people, and how demo visitors sign in."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from coprod.accounts.models import AgeBand, Language, OrganisationKind
from coprod.processes.models import KnowledgeType, ProcessRole, StakeholderRole

DEMO_PASSWORD = "demo-coprod-2026"
DEMO_DOMAIN = "demo.coprod.ca"

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
