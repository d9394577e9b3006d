"""Where a page of the record sends its reader back: the patient's pages or the
professional's view of the patient."""

from django.urls import reverse

from dossier.models import Document


def retour(acteur) -> str:
    if acteur.cote_patient:
        return reverse("dossier:accueil")
    return reverse("dossier:pro_dossier", args=[acteur.profil.public_id])


def retour_profil(acteur) -> str:
    if acteur.cote_patient:
        return reverse("dossier:profil_medical")
    return reverse("dossier:pro_dossier", args=[acteur.profil.public_id])


def retour_element(acteur, element) -> str:
    if isinstance(element, Document):
        return reverse("dossier:document", args=[element.public_id])
    return retour_profil(acteur)
