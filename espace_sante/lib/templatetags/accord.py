"""``{{ personne|accord:"bloqué|bloquée|bloqué ou bloquée" }}``: the word that agrees with
the person (masculine, feminine, neutral when unknown), through ``lib.texte.accorder``."""

from django import template

from espace_sante.lib.texte import accorder

register = template.Library()


@register.filter
def accord(personne, formes: str) -> str:
    masculin, feminin, neutre = formes.split("|")
    return accorder(personne, masculin, feminin, neutre)
