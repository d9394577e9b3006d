"""Calendar files and subscriptions: the .ics read back by icalendar and by vobject (an
independent parser), generic titles unless the person opted in, the token stored only as a
hash and revoked on the next fetch, fetches rate-limited and journaled once a day."""

from datetime import UTC, timedelta

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agenda import services
from agenda.models import Abonnement
from agenda.services.flux import empreinte
from espace_sante.journal.models import Entree
from tests.agenda.outils import acteur_patient, proposer, rdv_de
from tests.conftest import connecter
from tests.horloge import figer

pytestmark = pytest.mark.django_db


def _lire_les_deux(contenu: bytes):
    """(icalendar events, vobject events): both parsers must read the same file."""
    avec_icalendar = Calendar.from_ical(contenu).walk("VEVENT")
    avec_vobject = list(vobject.readOne(contenu.decode()).vevent_list)
    return avec_icalendar, avec_vobject


def test_one_appointment_downloads_as_an_ics_both_parsers_read_with_generic_title(client, patient):
    rdv = rdv_de(patient, titre="IRM du genou", lieu="Centre d'imagerie Voltaire")
    connecter(client, patient)
    reponse = client.get(reverse("agenda:rdv_ics", args=[rdv.public_id]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in reponse["Content-Disposition"]
    (ev,), (vev,) = _lire_les_deux(reponse.content)
    assert str(ev["summary"]) == vev.summary.value == "Rendez-vous médical"
    assert ev.decoded("dtstart") == vev.dtstart.value == rdv.debut
    assert ev.decoded("dtend") == vev.dtend.value == rdv.fin
    assert vev.dtstart.value.utcoffset() == timedelta(0)  # stored and sent in UTC
    assert str(ev["uid"]) == vev.uid.value == f"{rdv.public_id}@espace-sante"
    assert b"genou" not in reponse.content and b"Voltaire" not in reponse.content

    detail = client.get(reverse("agenda:rdv_ics", args=[rdv.public_id]) + "?details=1")
    (ev,), (vev,) = _lire_les_deux(detail.content)
    assert (
        vev.summary.value == "IRM du genou" and vev.location.value == "Centre d'imagerie Voltaire"
    )


def test_subscription_url_is_shown_once_stored_hashed_and_serves_a_feed(client, patient):
    passe = rdv_de(patient, debut=timezone.now() - timedelta(days=20))
    futur = rdv_de(patient, titre="Dentiste")
    connecter(client, patient)
    page = client.post(reverse("agenda:abonnements"), {"nom": "Téléphone"}).content.decode()
    debut = page.index("/agenda/flux/")
    jeton = page[debut + len("/agenda/flux/") : page.index(".ics", debut)]
    assert len(jeton) >= 40
    abonnement = Abonnement.objects.get()
    assert abonnement.jeton_hash == empreinte(jeton) and jeton not in abonnement.jeton_hash
    # Not shown again.
    assert jeton not in client.get(reverse("agenda:abonnements")).content.decode()

    client.logout()  # a calendar application carries no session
    flux = client.get(reverse("agenda:flux", args=[jeton]))
    assert flux.status_code == 200
    evenements, vevenements = _lire_les_deux(flux.content)
    assert (
        {str(e["uid"]) for e in evenements}
        == {v.uid.value for v in vevenements}
        == {f"{passe.public_id}@espace-sante", f"{futur.public_id}@espace-sante"}
    )
    assert {v.summary.value for v in vevenements} == {"Rendez-vous médical"}
    assert b"Dentiste" not in flux.content


def test_details_only_when_the_person_opted_in(client, patient):
    rdv_de(patient, titre="Dentiste")
    _, jeton = services.abonnement_creer(acteur=acteur_patient(patient), nom="Ordi", details=True)
    flux = client.get(reverse("agenda:flux", args=[jeton]))
    _, (vev,) = _lire_les_deux(flux.content)
    assert vev.summary.value == "Dentiste"


def test_a_moved_appointment_keeps_its_uid_and_its_sequence_grows(client, patient):
    from tests.agenda.outils import saisie

    rdv = rdv_de(patient)
    _, jeton = services.abonnement_creer(acteur=acteur_patient(patient), nom="Ordi", details=False)
    avant = Calendar.from_ical(client.get(reverse("agenda:flux", args=[jeton])).content)
    services.rdv_modifier(
        acteur=acteur_patient(patient), rdv=rdv, saisie=saisie(timezone.now() + timedelta(days=8))
    )
    apres = Calendar.from_ical(client.get(reverse("agenda:flux", args=[jeton])).content)
    (a,), (b,) = avant.walk("VEVENT"), apres.walk("VEVENT")
    assert a["uid"] == b["uid"] and int(b["sequence"]) == int(a["sequence"]) + 1
    assert b.decoded("dtstart") != a.decoded("dtstart")


def test_cancelled_appointments_are_marked_cancelled_in_the_feed(client, patient):
    rdv = rdv_de(patient)
    services.rdv_annuler(acteur=acteur_patient(patient), rdv=rdv, motif="Empêchement")
    _, jeton = services.abonnement_creer(acteur=acteur_patient(patient), nom="Ordi", details=False)
    _, (vev,) = _lire_les_deux(client.get(reverse("agenda:flux", args=[jeton])).content)
    assert vev.status.value == "CANCELLED"


def test_revoking_takes_effect_on_the_next_fetch_and_is_journaled(client, patient):
    abonnement, jeton = services.abonnement_creer(
        acteur=acteur_patient(patient), nom="Téléphone", details=False
    )
    url = reverse("agenda:flux", args=[jeton])
    assert client.get(url).status_code == 200
    connecter(client, patient)
    reponse = client.post(reverse("agenda:revoquer", args=[abonnement.public_id]), follow=True)
    assert "est révoqué" in reponse.content.decode()
    client.logout()
    assert client.get(url).status_code == 404
    actions = set(Entree.objects.filter(profil=patient.profil).values_list("action", flat=True))
    assert {"flux_cree", "flux_revoque", "flux_consulte"} <= actions


def test_feed_fetches_are_journaled_once_a_day_and_rate_limited(
    client, patient, settings, time_machine
):
    figer(time_machine)  # the counters are per Paris day: all seven fetches on the same one
    settings.AGENDA_FLUX_LECTURES_PAR_JOUR = 5
    _, jeton = services.abonnement_creer(acteur=acteur_patient(patient), nom="Ordi", details=False)
    url = reverse("agenda:flux", args=[jeton])
    statuts = [client.get(url).status_code for _ in range(7)]
    assert statuts == [200] * 5 + [429] * 2
    assert client.get(url)["Retry-After"]
    assert Entree.objects.filter(action="flux_consulte").count() == 1


def test_unknown_tokens_are_404_then_limited_per_address(client, settings, time_machine):
    figer(time_machine)  # the counters are per Paris day: all five tries on the same one
    settings.AGENDA_FLUX_REFUS_PAR_JOUR = 3
    statuts = [
        client.get(reverse("agenda:flux", args=[f"jeton-inconnu-{n:030d}"])).status_code
        for n in range(5)
    ]
    assert statuts == [404, 404, 404, 429, 429]


def test_a_parents_feed_stops_when_the_link_to_the_child_ends(
    client, parent, mineur, representation
):
    _, jeton = services.abonnement_creer(
        acteur=acteur_patient(parent, mineur), nom="Yanis", details=False
    )
    url = reverse("agenda:flux", args=[jeton])
    assert client.get(url).status_code == 200
    representation.date_fin = timezone.localdate()  # the 18th birthday: the link ends today
    representation.motif_fin = "majorité"
    representation.save()
    assert client.get(url).status_code == 404


def test_a_proposal_shows_as_tentative(client, patient, professionnel):
    proposer(professionnel, patient.profil)
    _, jeton = services.abonnement_creer(acteur=acteur_patient(patient), nom="Ordi", details=False)
    _, (vev,) = _lire_les_deux(client.get(reverse("agenda:flux", args=[jeton])).content)
    assert vev.status.value == "TENTATIVE"
    assert vev.dtstart.value.tzinfo is not None and vev.dtstart.value.astimezone(UTC)
