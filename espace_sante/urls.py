from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, reverse

from espace_sante.comptes import views as comptes_views


@login_not_required
def _admin_login(request, extra_context=None):
    """Admins log in like everyone else: password, then second factor.

    A logged-in, verified user who is not staff gets 404: the admin does not exist
    for them (and sending them to the login page again would loop).
    """
    if request.user.is_authenticated:
        raise Http404
    suite = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': suite})}")


admin.site.site_header = "espace-santé — administration"
admin.site.site_title = "espace-santé"
admin.site.index_title = "Administration"
admin.site.login = _admin_login

handler500 = "espace_sante.pages.erreur_serveur"

urlpatterns = [
    path("", comptes_views.accueil_public, name="accueil_public"),
    # Health of the process and its dependencies, for load balancers and operators.
    path("sante/", include("espace_sante.sante.urls")),
    path("", include("espace_sante.pages")),
    path("admin/", admin.site.urls),
    path("compte/", include("espace_sante.comptes.urls_compte")),
    path("", include("espace_sante.comptes.urls")),
    path("", include("consentement.urls")),
    path("", include("dossier.urls")),
    path("", include("messagerie.urls")),
    path("", include("agenda.urls")),
    path("", include("catalogue.urls")),
]
