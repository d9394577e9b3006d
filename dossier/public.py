"""dossier's declared face: what the other feature apps may use of the record, and nothing
else of dossier (``tests/test_architecture.py`` checks it).

- reads scoped by the policy: documents, measures, medical-profile items, a professional's
  actor on a patient's record;
- writes through the record's services: a document added (messaging files an attachment,
  the API creates a DocumentReference), a measure added, a document's file opened;
- the FHIR R4 mapping the API serves (``exports`` turns a row into a neutral value,
  ``fhir`` turns that value into a resource): one mapping for the export and the API;
- the enums other apps show to people (refusals are the kernel's: ``espace_sante.lib.refus``).
"""

from dossier.enums import CategorieDocument, Rubrique
from dossier.exports import document_fhir, information_fhir, mesure_fhir, patient_fhir
from dossier.fhir.cliniques import information_ressource
from dossier.fhir.commun import instant_iso
from dossier.fhir.modeles import (
    DIASTOLIQUE,
    MESURES,
    SYSTEME_CATEGORIE_DOCUMENT,
    SYSTEME_CATEGORIE_OBSERVATION,
    SYSTEME_LOINC,
)
from dossier.fhir.ressources import document_ressource, mesure_ressource, patient_ressource
from dossier.selectors import (
    acteur_sur_dossier,
    documents_visibles,
    informations_visibles,
    mesures_visibles,
)
from dossier.services import document_ajouter, document_ouvrir, mesure_ajouter

__all__ = [
    "DIASTOLIQUE",
    "MESURES",
    "SYSTEME_CATEGORIE_DOCUMENT",
    "SYSTEME_CATEGORIE_OBSERVATION",
    "SYSTEME_LOINC",
    "CategorieDocument",
    "Rubrique",
    "acteur_sur_dossier",
    "document_ajouter",
    "document_fhir",
    "document_ouvrir",
    "document_ressource",
    "documents_visibles",
    "information_fhir",
    "information_ressource",
    "instant_iso",
    "informations_visibles",
    "mesure_ajouter",
    "mesure_fhir",
    "mesure_ressource",
    "mesures_visibles",
    "patient_fhir",
    "patient_ressource",
]
