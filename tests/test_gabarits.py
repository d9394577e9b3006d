"""Templates: a ``{# … #}`` comment must close on its line, or Django prints it on the page
(it did: a comment's text, and the form it named, appeared twice on the history page)."""

from pathlib import Path

from django.conf import settings


def test_no_template_comment_spans_two_lines():
    ouverts = []
    for dossier in settings.TEMPLATES[0]["DIRS"]:
        for gabarit in Path(dossier).rglob("*.*"):
            for numero, ligne in enumerate(gabarit.read_text().splitlines(), 1):
                if ligne.count("{#") > ligne.count("#}"):
                    ouverts.append(f"{gabarit.name}:{numero}")
    assert ouverts == []
