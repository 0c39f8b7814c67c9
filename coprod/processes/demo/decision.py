"""The demo decision (June 2026): what became of the ideas, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from coprod.processes.models import Outcome

D = dt.date


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
