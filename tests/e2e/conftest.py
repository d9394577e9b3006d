"""Real Chromium through Playwright, with axe run on every page a test visits."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str | None:
    """Debian's chromium when present; else Playwright's own browser (None)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but static files are served as in production: by
    WhiteNoise from the collected, hashed files. (Django's test static handler looks for
    the hashed names with the finders, does not find them, and the pages came unstyled.)"""
    from pytest_django.live_server_helper import LiveServer

    serveur = LiveServer("localhost", start=False)
    serveur.thread.static_handler = lambda application: application
    serveur.start()
    yield serveur
    serveur.stop()


@pytest.fixture(scope="session")
def navigateur():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), headless=True, args=ARGS)
        yield browser
        browser.close()


class PageVerifiee:
    """A page whose every navigation is followed by an axe check (0 violations)."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.axe = page, base_url, Axe()
        self.visitees: list[str] = []

    def verifier_accessibilite(self):
        resultats = self.axe.run(self.page)
        self.visitees.append(self.page.url)
        assert resultats.violations_count == 0, (
            f"{self.page.url} : {resultats.violations_count} violation(s) axe\n"
            + resultats.generate_report()
        )

    def verifier_largeur(self):
        """No page scrolls sideways: its content fits the viewport's width."""
        largeur, vue = self.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if largeur > vue:
            trop_larges = self.page.evaluate(
                "() => Array.from(document.querySelectorAll('body *')).filter(e =>"
                " e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e =>"
                " e.tagName + '.' + e.className)"
            )
            raise AssertionError(
                f"{self.page.url} : {largeur} px de large pour {vue} px d'écran ({trop_larges})"
            )

    def aller(self, chemin: str):
        self.page.goto(self.base_url + chemin)
        self.verifier_accessibilite()

    def cliquer(self, nom: str, role: str = "button"):
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=nom).click()
        self.verifier_accessibilite()


TAILLES = {"bureau": {"width": 1280, "height": 800}, "telephone": {"width": 390, "height": 844}}


@pytest.fixture
def taille(request):
    """The viewport; tests parametrize it indirectly to run at desktop and phone sizes."""
    return getattr(request, "param", "bureau")


@pytest.fixture
def page(navigateur, live_server, taille):
    contexte = navigateur.new_context(locale="fr-FR", viewport=TAILLES[taille])
    p = contexte.new_page()
    erreurs_csp = []
    p.on(
        "console",
        lambda m: erreurs_csp.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield PageVerifiee(p, live_server.url)
    contexte.close()
    assert not erreurs_csp, f"Violations de la CSP : {erreurs_csp}"
