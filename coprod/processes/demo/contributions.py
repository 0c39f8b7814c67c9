"""What the demo participants contributed: needs (phase 1), ideas (phase 2), comments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from coprod.processes.models import IdeaOrigin, KnowledgeType, NeedStatus

EXP = KnowledgeType.EXPERIENTIAL
PRA = KnowledgeType.PRACTICAL
SCI = KnowledgeType.SCIENTIFIC
D = dt.date

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
