"""The site's information pages (public) and its French error pages.

Django's own handlers render ``templates/400.html``, ``403.html``, ``404.html`` and
``500.html`` (the last without a request or a database); a refused CSRF token gets its
own explanation instead of Django's English page.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

PAGES = {
    "accessibilite": "pages/accessibilite.html",
    "mentions_legales": "pages/mentions_legales.html",
    "donnees_personnelles": "pages/donnees_personnelles.html",
    "aide": "pages/aide.html",
}


def _page(gabarit: str):
    @login_not_required
    @require_GET
    def vue(request):
        return render(request, gabarit)

    return vue


def csrf_echec(request, reason=""):
    return render(request, "403_csrf.html", status=403)


app_name = "pages"
urlpatterns = [
    path("accessibilite/", _page(PAGES["accessibilite"]), name="accessibilite"),
    path("mentions-legales/", _page(PAGES["mentions_legales"]), name="mentions_legales"),
    path(
        "donnees-personnelles/", _page(PAGES["donnees_personnelles"]), name="donnees_personnelles"
    ),
    path("aide/", _page(PAGES["aide"]), name="aide"),
]
