"""One conversation: read it (marks it read, journaled for anyone but the titulaire), reply,
close (the professional), archive (each participant for themselves)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from consentement import acces
from dossier.public import CategorieDocument
from espace_sante.lib.refus import SaisieInvalide
from messagerie import selectors, services
from messagerie.forms import MessageForm


def retour(acteur) -> str:
    return "messagerie:accueil" if acteur.cote_patient else "messagerie:pro_boite"


def _peut_proposer_rdv(request, conversation) -> bool:
    sur_dossier = acces.sur_dossier_par(request.acteur, pk=conversation.profil_id)
    return acces.peut_proposer_rdv_depuis(sur_dossier, conversation)


def _afficher(request, acteur, conversation, form, *, status=200):
    fin_conservation = conversation.dernier_message_le + settings.MESSAGERIE_CONSERVATION
    return render(
        request,
        "messagerie/conversation.html",
        {
            "acteur": acteur,
            "conversation": conversation,
            "messages_fil": selectors.messages_de(conversation),
            "form": form,
            "peut_repondre": acces.peut_repondre(acteur, conversation),
            "peut_fermer": acces.peut_fermer(acteur, conversation),
            "peut_enregistrer": acces.peut_enregistrer_piece(acteur, conversation),
            "peut_proposer_rdv": _peut_proposer_rdv(request, conversation),
            "categories": CategorieDocument.choices,
            "retour": retour(acteur),
            "fin_conservation": fin_conservation,
        },
        status=status,
    )


@require_GET
def conversation(request, public_id):
    acteur, conv = selectors.conversation_visible(acteur=request.acteur, public_id=public_id)
    services.conversation_lire(acteur=acteur, conversation=conv)
    return _afficher(request, acteur, conv, MessageForm(request=request))


@require_POST
def repondre(request, public_id):
    acteur, conv = selectors.conversation_visible(acteur=request.acteur, public_id=public_id)
    form = MessageForm(request.POST, request.FILES, request=request)
    if form.is_valid():
        try:
            services.message_repondre(
                acteur=acteur,
                conversation=conv,
                corps=form.cleaned_data["corps"],
                pieces=form.cleaned_data["pieces"],
            )
        except SaisieInvalide as refus:
            form.add_error(None, str(refus))
        else:
            messages.success(request, "Votre message est envoyé.")
            return redirect("messagerie:conversation", conv.public_id)
    return _afficher(request, acteur, conv, form, status=400)


@require_POST
def fermer(request, public_id):
    acteur, conv = selectors.conversation_visible(acteur=request.acteur, public_id=public_id)
    services.conversation_fermer(acteur=acteur, conversation=conv)
    messages.success(
        request,
        "La conversation est close : le patient la lit toujours, mais ne peut plus y répondre.",
    )
    return redirect("messagerie:conversation", conv.public_id)


@require_POST
def archiver(request, public_id):
    acteur, conv = selectors.conversation_visible(acteur=request.acteur, public_id=public_id)
    archivee = request.POST.get("archivee") != "0"
    services.conversation_archiver(acteur=acteur, conversation=conv, archivee=archivee)
    messages.success(
        request,
        "La conversation est archivée : retrouvez-la dans « Archives »."
        if archivee
        else "La conversation est de retour dans la boîte de réception.",
    )
    return redirect(retour(acteur))
