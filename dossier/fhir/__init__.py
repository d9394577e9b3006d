"""The patient's record as a FHIR R4 Bundle (type "collection").

Pure module: no Django model, no database. The caller turns its models into the frozen
dataclasses of ``modeles`` and calls :func:`bundle`. Every resource is built through the
``fhir.resources.R4B`` classes (R4B is structurally R4 for the resources used here), so
the library's validation runs on each of them and on the Bundle as a whole.

The library does not enforce the ``enum_values`` of required code bindings (``gender``,
``status``…); :func:`valider` and :func:`bundle` check them too.

Package: ``modeles`` (inputs and code systems), ``commun`` (shared builders),
``ressources`` and ``cliniques`` (one builder per resource), ``paquet`` (the Bundle).
"""

from dossier.fhir.modeles import (
    AuteurFhir,
    DocumentFhir,
    InformationFhir,
    MesureFhir,
    PatientFhir,
)
from dossier.fhir.paquet import bundle, bundle_flux, valider

__all__ = [
    "AuteurFhir",
    "DocumentFhir",
    "InformationFhir",
    "MesureFhir",
    "PatientFhir",
    "bundle",
    "bundle_flux",
    "valider",
]
