"""After a form is sent, the focus lands on what the page says about it (issue 11, point 11):
the first field in error, or the confirmation shown after the redirect. Both viewports."""

import pytest

from tests.e2e.test_connexion import se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LES_DEUX = pytest.mark.parametrize("taille", ["bureau", "telephone"])


def _focus(page) -> dict:
    return page.page.evaluate(
        "() => ({id: document.activeElement.id, texte: document.activeElement.innerText || '',"
        " message: document.activeElement.hasAttribute('data-es-focus'),"
        " visible: (r => r.top >= 0 && r.bottom <= window.innerHeight)"
        "(document.activeElement.getBoundingClientRect())})"
    )


@LES_DEUX
def test_focus_goes_to_the_field_in_error_then_to_the_confirmation(page, patient, taille):
    se_connecter(page, patient)
    page.aller("/dossier/confidentialite/")
    page.page.locator("#id_blocage-rpps").fill("12345")
    page.cliquer("Bloquer ce professionnel")
    focus = _focus(page)
    assert focus["id"] == "id_blocage-rpps" and focus["visible"], focus
    assert page.page.get_by_text("11 chiffres").first.is_visible()

    page.page.locator("label[for=notifier_acces_pro]").click()
    page.cliquer("Enregistrer ces réglages")
    focus = _focus(page)
    assert focus["message"] and "enregistr" in focus["texte"], focus
    assert focus["visible"], focus
