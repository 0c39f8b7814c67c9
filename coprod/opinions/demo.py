"""The demo's opinion map: the world café's question, 24 statements, votes of the participants.

Invented votes, drawn with a fixed seed so every load gives the same map: residents lean
towards human contact (neighbours, visits), professionals towards organised systems (the
registry, calls), researchers in between; a few statements bring everyone together.
"""

from __future__ import annotations

import math
import random

from django.db import transaction

from coprod.opinions import services
from coprod.opinions.models import Conversation, OpinionMapResult
from coprod.processes.models import CoType, Participant, Process, ProcessRole

SEED = 2026
QUESTION_FR = "Comment joindre les personnes aînées isolées pendant une vague de chaleur ?"
QUESTION_EN = "How can we reach isolated seniors during a heat wave?"
# (statement, lean): +1 human contact, −1 organised systems, 0 shared by nearly everyone.
STATEMENTS: tuple[tuple[str, int], ...] = (
    ("Un voisin ou une voisine qui cogne à la porte vaut mieux que dix appels automatisés.", 1),
    ("Les appels automatisés rejoignent vite beaucoup de monde : il faut les garder.", -1),
    ("Le registre des personnes à risque doit rester au CLSC, pas chez les bénévoles.", -1),
    ("Les bénévoles devraient avoir accès à la liste des personnes isolées de leur immeuble.", 1),
    ("Une carte « Qui appeler » sur le frigo aiderait tout le monde.", 0),
    ("Les haltes climatisées doivent être à distance de marche.", 0),
    ("Il faut payer des intervenant·e·s de plus plutôt que compter sur les bénévoles.", -1),
    ("Les concierges d'immeuble connaissent mieux que quiconque qui vit seul.", 1),
    ("Une application mobile pour signaler une personne en détresse serait utile.", -1),
    ("Beaucoup de personnes aînées n'ont pas de téléphone cellulaire.", 1),
    ("L'information doit être en français et en anglais, en langage simple.", 0),
    ("Les alertes de chaleur de la santé publique arrivent trop tard.", 1),
    ("Des capteurs de température dans les logements permettraient d'agir tôt.", -1),
    ("La popote roulante peut vérifier comment vont les gens pendant ses livraisons.", 1),
    ("Les pharmacies devraient participer au repérage.", -1),
    ("Il faut une navette gratuite vers les lieux climatisés.", 0),
    ("La peur de sortir le soir empêche d'aller aux haltes.", 1),
    ("Le CLSC devrait appeler en priorité les personnes sans proche aidant·e.", -1),
    ("Les personnes aînées doivent participer à l'évaluation du service.", 0),
    ("Former les employé·e·s par des personnes aînées changerait les pratiques.", 1),
    ("Un numéro unique, ouvert 24 h sur 24 pendant les alertes, simplifierait tout.", -1),
    ("Des ventilateurs et thermomètres gratuits pour les ménages à faible revenu.", 0),
    ("Les visites à domicile devraient être faites en duo bénévole–professionnel·le.", 0),
    ("Le secret professionnel limite ce que le CLSC peut partager, et c'est normal.", -1),
)


def _camp(participant: Participant, draw: random.Random) -> float:
    if participant.experiential:
        return 1.0 if draw.random() < 0.8 else -1.0
    if participant.scientific:
        return draw.uniform(-1, 1)
    return -1.0 if draw.random() < 0.75 else 1.0


def _vote(camp: float, lean: int, draw: random.Random) -> int:
    p_agree = 0.85 if lean == 0 else 1 / (1 + math.exp(-2.2 * camp * lean))
    roll = draw.random()
    if roll < 0.08:
        return 0
    return 1 if roll < 0.08 + 0.92 * p_agree else -1


@transaction.atomic
def opinions_demo_load(process: Process) -> Conversation:
    """Create (or find) the demo conversation, its statements and votes, and compute its map."""
    phase = process.phases.get(co_type=CoType.CO_DESIGN, iteration=1)
    conversation = Conversation.objects.filter(phase_method__phase=phase).first()
    if conversation is None:
        conversation = services.conversation_create(
            phase=phase,
            fields={"question_fr": QUESTION_FR, "question_en": QUESTION_EN, "is_open": False},
        )
    texts = set(conversation.statements.values_list("text", flat=True))
    for text, _lean in STATEMENTS:
        if text not in texts:
            services.statement_submit(
                conversation=conversation, author=None, text=text, is_seed=True
            )
    statements = {s.text: s for s in conversation.statements.all()}
    draw = random.Random(SEED)
    voters = (
        Participant.objects.filter(process=process)
        .exclude(process_role__in=[ProcessRole.FACILITATOR, ProcessRole.NOTE_TAKER])
        .order_by("id")
    )
    conversation.is_open = True  # votes are cast while open, then the conversation closes
    conversation.save(update_fields=["is_open"])
    for participant in voters:
        voter = services.voter_for_participant(conversation=conversation, participant=participant)
        camp = _camp(participant, draw)
        for text, lean in STATEMENTS:
            if draw.random() < 0.25:  # nobody votes on everything
                continue
            services.vote_cast(
                voter=voter,
                statement=statements[text],
                value=_vote(camp, lean, draw),
                submission_key=f"demo-{voter.pk}-{statements[text].pk}",
            )
    conversation.is_open = False
    conversation.save(update_fields=["is_open"])
    if not OpinionMapResult.objects.filter(conversation=conversation).exists():
        services.map_compute(conversation=conversation, seed=SEED)
    return conversation
