from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from espace_sante.lib.requetes import DATE_MIN, PASSE, HorsBornes, date_bornee


class FormulaireDsfr(DsfrBaseForm):
    """DSFR rendering, marking optional fields (the DSFR's current guidance).

    django-dsfr's own get_context warns on every render while it transitions; we
    take the future behaviour directly.
    """

    def get_context(self):
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class DateBornee(forms.DateField):
    """A date typed in a form, within the kernel's plausible range for its kind
    (``requetes.date_bornee``: 1900 to today, or ``horizon`` years ahead), said in French.
    The browser's date picker gets the lower bound (the upper one moves with the days; a
    value frozen at start-up would refuse today's date some weeks later)."""

    def __init__(self, *args, horizon: int = PASSE, **kwargs):
        self.horizon = horizon
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": DATE_MIN.isoformat()}

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            try:
                date_bornee(value, horizon=self.horizon)
            except HorsBornes as erreur:
                raise ValidationError(str(erreur), code="hors_bornes") from None
