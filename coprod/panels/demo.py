"""The demo's citizen panel: 24 seniors and caregivers drawn by lot from 120 volunteers.

The volunteers are made up, drawn with a fixed seed; they answered the recruitment form
(role, age band, gender, sector of the borough, living alone) and consented to the use of
their answers for the draw. The seed is fixed too, so every load draws the same panel; one
member declined and was replaced within the quotas, the others confirmed their seat.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from coprod.panels import services
from coprod.panels.models import Algorithm, MemberStatus, Panel, PanelStatus, ParticipantField
from coprod.panels.services import CategorySpec
from coprod.processes.demo import DEMO_DOMAIN
from coprod.processes.models import CoType, Process

SEED = 2026
DRAW_SEED = 4_127_390_551
POOL_SIZE = 120
TITLE_FR = "Panel citoyen : 24 personnes aînées et proches aidant·e·s"
TITLE_EN = "Citizen panel: 24 seniors and caregivers"
DESCRIPTION_FR = (
    "Vingt-quatre personnes tirées au sort parmi les volontaires de l'arrondissement se "
    "réunissent deux fois au Carrefour des aîné·e·s pour nommer les besoins face à la chaleur "
    "extrême. Les quotas assurent la présence de proches aidant·e·s, des personnes de 85 ans "
    "et plus, de chaque secteur et des personnes qui vivent seules. Transport et repas offerts."
)
DESCRIPTION_EN = (
    "Twenty-four people drawn by lot among the borough's volunteers meet twice at the seniors' "
    "hub to name the needs in the face of extreme heat. The quotas make sure caregivers, people "
    "aged 85 and over, every sector and people living alone are present. Transport and a meal "
    "are provided."
)
# key, French, English, (min, max) on a panel of 24.
FEATURES: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str, int, int], ...]], ...] = (
    (
        "stakeholder_role",
        "Vous êtes",
        "You are",
        ParticipantField.STAKEHOLDER_ROLE,
        (
            ("resident", "Une personne aînée", "A senior", 17, 19),
            ("caregiver", "Proche aidant·e", "A caregiver", 5, 7),
        ),
    ),
    (
        "age_band",
        "Âge",
        "Age",
        ParticipantField.NONE,
        (
            ("under_65", "Moins de 65 ans", "Under 65", 2, 5),
            ("65_74", "65 à 74 ans", "65 to 74", 7, 10),
            ("75_84", "75 à 84 ans", "75 to 84", 5, 9),
            ("85_plus", "85 ans et plus", "85 and over", 3, 6),
        ),
    ),
    (
        "gender",
        "Genre",
        "Gender",
        ParticipantField.NONE,
        (
            ("woman", "Femme", "Woman", 12, 16),
            ("man", "Homme", "Man", 8, 12),
        ),
    ),
    (
        "sector",
        "Secteur de l'arrondissement",
        "Sector of the borough",
        ParticipantField.NONE,
        (
            ("hochelaga", "Hochelaga-Maisonneuve", "Hochelaga-Maisonneuve", 8, 11),
            ("mercier_ouest", "Mercier-Ouest", "Mercier-Ouest", 6, 9),
            ("mercier_est", "Mercier-Est", "Mercier-Est", 6, 9),
        ),
    ),
    (
        "lives_alone",
        "Vivez-vous seul·e?",
        "Do you live alone?",
        ParticipantField.NONE,
        (
            ("yes", "Oui", "Yes", 9, 14),
            ("no", "Non", "No", 10, 15),
        ),
    ),
)
FIRST = [
    "Gisèle",
    "Huguette",
    "Lise",
    "Monique",
    "Jacqueline",
    "Thérèse",
    "Pierrette",
    "Louise",
    "Denise",
    "Francine",
    "Nicole",
    "Carmen",
    "Rita",
    "Yolande",
    "Madeleine",
    "Micheline",
    "Ginette",
    "Margaret",
    "Rosa",
    "Fatima",
    "Marcel",
    "Roger",
    "André",
    "Yvon",
    "Réjean",
    "Gilles",
    "Normand",
    "Gaston",
    "Claude",
    "Jean-Guy",
    "Raymond",
    "Antonio",
    "Kevin",
    "Ahmed",
    "Luc",
]
LAST = [
    "Tremblay",
    "Gagnon",
    "Roy",
    "Côté",
    "Bouchard",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Gagné",
    "Ouellet",
    "Pelletier",
    "Bélanger",
    "Lévesque",
    "Bergeron",
    "Leblanc",
    "Paquette",
    "Girard",
    "Simard",
    "Boucher",
    "Caron",
    "Beaulieu",
    "Cloutier",
    "Dubé",
    "Poirier",
    "Fournier",
    "Lapointe",
    "Leclerc",
    "Lefebvre",
    "Martel",
    "Nguyen",
    "Haddad",
    "Rossi",
    "O'Brien",
]


def _answers(draw: random.Random) -> dict[str, str]:
    caregiver = draw.random() < 0.26
    if caregiver:
        age = "under_65" if draw.random() < 0.7 else "65_74"
    else:
        age = draw.choices(["65_74", "75_84", "85_plus"], weights=[45, 35, 20])[0]
    return {
        "stakeholder_role": "caregiver" if caregiver else "resident",
        "age_band": age,
        "gender": "woman" if draw.random() < 0.62 else "man",
        "sector": draw.choices(["hochelaga", "mercier_ouest", "mercier_est"], weights=[4, 3, 3])[0],
        "lives_alone": "yes" if draw.random() < (0.1 if caregiver else 0.5) else "no",
    }


def _panel(process: Process) -> Panel:
    phase = process.phases.get(co_type=CoType.CO_COMMISSIONING, iteration=1)
    panel = Panel.objects.filter(phase_method__phase=phase).first()
    if panel is not None:
        return panel
    panel = services.panel_create(
        phase=phase,
        fields={
            "title_fr": TITLE_FR,
            "title_en": TITLE_EN,
            "description_fr": DESCRIPTION_FR,
            "description_en": DESCRIPTION_EN,
            "size": 24,
            "reserves": 6,
            "algorithm": Algorithm.LEXIMIN,
        },
    )
    for key, label_fr, label_en, field, categories in FEATURES:
        services.feature_define(
            panel=panel,
            key=key,
            label_fr=label_fr,
            label_en=label_en,
            participant_field=field,
            categories=[CategorySpec(*category) for category in categories],
        )
    return panel


@transaction.atomic
def panels_demo_load(process: Process) -> Panel:
    """Create (or find) the demo panel, its pool, the announced seed and the draw.

    Idempotent: a panel already drawn is returned as it is.
    """
    panel = _panel(process)
    if panel.status == PanelStatus.DRAWN:
        return panel
    draw = random.Random(SEED)
    for i in range(POOL_SIZE - panel.volunteers.count()):
        name = f"{draw.choice(FIRST)} {draw.choice(LAST)}"
        services.volunteer_register(
            panel=panel,
            name=name,
            email=f"benevole-{i + 1:03d}@{DEMO_DOMAIN}",
            values=_answers(draw),
            consent=True,
            language="fr-ca",
            notify=False,
        )
    planned = timezone.make_aware(dt.datetime(2026, 1, 28, 14, 0))
    services.panel_announce(panel=panel, draw_planned_at=planned, seed=DRAW_SEED)
    record = services.panel_draw(panel=panel, notify=False)
    seated = list(record.members.filter(status=MemberStatus.SELECTED).order_by("rank"))
    services.member_replace(member=seated[3], notify=False)
    for member in seated[:3] + seated[4:]:
        services.member_confirm(member=member)
    return panel
