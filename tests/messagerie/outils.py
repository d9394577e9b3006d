"""Conversations built through the services, as the pages and the gateway build them."""

from __future__ import annotations

import io

from pypdf.generic import NameObject

from espace_sante.lib import fichiers
from messagerie import services
from tests.conftest import acteur_de
from tests.lib.corpus import action_js, pdf


def piece(nom="compte-rendu.pdf", contenu: bytes | None = None) -> services.PieceRecue:
    return services.PieceRecue(nom, fichiers.verifier(io.BytesIO(contenu or pdf())))


def _js_a_l_ouverture(writer, page):
    writer._root_object[NameObject("/OpenAction")] = action_js()


def pdf_hostile() -> bytes:
    """A PDF that runs JavaScript when opened: refused as active content."""
    return pdf(_js_a_l_ouverture)


def ecrire(pro_user, profil, *, sujet="Vos résultats", corps="Bonjour, tout va bien.",
           pieces=(), **options):  # fmt: skip
    return services.conversation_demarrer(
        acteur=acteur_de(pro_user), profil=profil, sujet=sujet, corps=corps,
        pieces=list(pieces), **options,
    )  # fmt: skip


def repondre(user, conversation, corps="Merci docteur.", **options):
    from consentement import acces

    acteur = acces.en_patient_de(acteur_de(user), conversation.profil)
    if acteur is None:  # a professional
        acteur = acteur_de(user).sur(conversation.profil, role="professionnel")
    return services.message_repondre(acteur=acteur, conversation=conversation, corps=corps,
                                     **options)  # fmt: skip
