from django import forms
from dsfr.forms import DsfrBaseForm


class FormulaireDsfr(DsfrBaseForm):
    """DSFR rendering, marking optional fields (the DSFR's current guidance).

    django-dsfr's own get_context warns on every render while it transitions; we
    take the future behaviour directly.
    """

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context
