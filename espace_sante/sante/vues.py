"""``/sante/vivant`` (the process answers: no dependency, for a liveness probe),
``/sante/pret`` (may this process take traffic: 503 only when the database is down, for a
load balancer; each check's status and figures, for an operator), ``/sante/metriques``
(the same figures in Prometheus text format, for a scraper allowed by address or token).
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from espace_sante.lib.requetes import adresse_client
from espace_sante.sante import controles


def _sonde(vue):
    return login_not_required(require_GET(vue))


@_sonde
def vivant(request):
    return HttpResponse("vivant\n", content_type="text/plain; charset=utf-8")


@_sonde
def pret(request):
    resultats = controles.tous()
    statut = controles.statut_global(resultats)
    corps = {
        "statut": statut,
        "controles": {
            c.nom: {"statut": c.statut, **{n: v for n, (v, _) in c.mesures.items()}}
            for c in resultats
        },
    }
    reponse = JsonResponse(corps, status=503 if statut == controles.INDISPONIBLE else 200)
    if statut == controles.INDISPONIBLE:
        reponse["Retry-After"] = str(settings.INDISPONIBLE_REESSAYER_SECONDES)
    return reponse


def _autorise(request) -> bool:
    """An address of METRIQUES_RESEAUX, or ``Authorization: Bearer <METRIQUES_JETON>``."""
    jeton = settings.METRIQUES_JETON
    entete = request.META.get("HTTP_AUTHORIZATION", "")
    if jeton and entete.startswith("Bearer "):
        return hmac.compare_digest(entete.removeprefix("Bearer ").encode(), jeton.encode())
    try:
        adresse = ipaddress.ip_address(adresse_client(request))
    except ValueError:
        return False
    return any(adresse in ipaddress.ip_network(r) for r in settings.METRIQUES_RESEAUX)


@_sonde
def metriques(request):
    if not _autorise(request):
        raise Http404
    resultats = controles.tous()
    lignes = [
        "# HELP espace_sante_pret 1 si le processus peut recevoir du trafic (base joignable)",
        "# TYPE espace_sante_pret gauge",
        f"espace_sante_pret {int(controles.statut_global(resultats) != controles.INDISPONIBLE)}",
        "# HELP espace_sante_controle_ok 1 si le contrôle est au statut ok",
        "# TYPE espace_sante_controle_ok gauge",
        *(
            f'espace_sante_controle_ok{{controle="{c.nom}"}} {int(c.statut == controles.OK)}'
            for c in resultats
        ),
    ]
    for c in resultats:
        for nom, (valeur, aide) in c.mesures.items():
            lignes += [
                f"# HELP espace_sante_{nom} {aide}",
                f"# TYPE espace_sante_{nom} gauge",
                f"espace_sante_{nom} {valeur}",
            ]
    return HttpResponse(
        "\n".join(lignes) + "\n", content_type="text/plain; version=0.0.4; charset=utf-8"
    )
