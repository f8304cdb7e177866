"""A 115 request's nights drawn in Python (views._allocations_html, issue 18): the same HTML, byte for
byte, as the template's loop before it (kept below as it was), in French and in English, for every state
a night is shown in (booked with its forms, cancelled, an extension, an SMS sent, failing or pending,
the place hidden, a facility without phone, door code or hours, values that need escaping); and the
page after a booking uses one CSRF token for its forms and the layout."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from parcours.emergency import services, views
from parcours.households import perms as household_perms
from tests.emergency.test_emergency import _request, net  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

# _request_main.html's loop before issue 18's change, as it was (d3c8089).
OLD_LOOP = """{% load translations %}{% for a in allocations %}
      <li class="list-group-item" data-allocation="{{ a.status }}">
        <div class="row g-2">
          <div class="col-md-7">
            <div class="fw-semibold">{{ a.night|date:"SHORT_DATE_FORMAT" }}{% if a.extension %} ({% translate "prolongation" %}){% endif %} · {% translate "État" %} : {{ a.get_status_display }}{% if a.sms_sent_at %} — {% translate "SMS envoyé" %}{% elif a.sms_status == "failed" %} — <span class="text-danger" data-sms="failed">{% translate "Le SMS n'a pas pu être envoyé : réessayez ou donnez l'adresse oralement." %}</span>{% elif a.sms_status %} — <span data-sms="pending">{% translate "SMS en cours d'envoi" %}</span>{% endif %}</div>
            <div>{% if a.place_shown %}{% with f=a.unit.facility %}<strong>{{ f.name }}</strong> — {{ a.unit.label }}
          <div class="small" data-place-access>{{ f.full_address|default:"—" }}{% if f.phone %} · {% translate "Tél." %} <a href="tel:{{ f.phone|cut:' ' }}">{{ f.phone }}</a>{% endif %}{% if a.door_code_shown and f.door_code %} · {% translate "Code" %} <span data-door-code>{{ f.door_code }}</span>{% endif %}</div>
          {% if f.opening_hours %}<div class="small text-secondary">{{ f.opening_hours }}</div>{% endif %}{% endwith %}{% else %}<span data-place="hidden">{{ hidden_place }}</span>{% endif %}</div>
          </div>
          <div class="col-md-5">
          {% if a.status == "booked" %}
          <form method="post" action="{% url 'emergency:allocation_action' a.pk 'sms' %}" class="mb-1">{% csrf_token %}
            <label class="form-label small mb-0" for="sms-{{ a.pk }}">{% translate "Téléphone" %}</label>
            <div class="input-group input-group-sm">
              <input class="form-control" id="sms-{{ a.pk }}" name="phone" type="tel" autocomplete="off">
              <button class="btn btn-outline-primary" type="submit">{% translate "Envoyer l'adresse par SMS" %}</button>
            </div>
          </form>
          <form method="post" action="{% url 'emergency:allocation_action' a.pk 'extend' %}" class="mb-1">{% csrf_token %}
            <label class="form-label small mb-0" for="ext-{{ a.pk }}">{% translate "Nuits supplémentaires" %}</label>
            <div class="input-group input-group-sm">
              <input class="form-control" id="ext-{{ a.pk }}" name="nights" type="number" min="1" max="14" value="1">
              <button class="btn btn-outline-secondary" type="submit">{% translate "Prolonger" %}</button>
            </div>
          </form>
          <form method="post" action="{% url 'emergency:allocation_action' a.pk 'no-show' %}" class="d-inline">{% csrf_token %}<button class="btn btn-sm btn-link" type="submit">{% translate "Non présenté·e" %}</button></form>
          <form method="post" action="{% url 'emergency:allocation_action' a.pk 'cancel' %}" class="d-inline">{% csrf_token %}<button class="btn btn-sm btn-link text-danger" type="submit">{% translate "Annuler la nuitée" %}</button></form>
          {% endif %}
          </div>
        </div>
      </li>
    {% endfor %}"""  # noqa: E501

TOKEN = "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1aC3eG5iK7mO9qS1uW3y"


def _nights(net):  # noqa: F811
    """Nights in every state the page shows, on facilities with and without their optional fields."""
    first = services.allocate(actor=net["handler"], request=_request(net), unit=net["singles"][0])
    second = services.allocate(actor=net["handler"], request=_request(net), unit=net["singles"][1])
    facility = first.unit.facility
    facility.name = "CHU <Les Lilas> & « Fils »"
    facility.phone = "01 99 00 23 47"
    facility.door_code = "12<3"
    facility.opening_hours = "De 18 h à 22 h\nfermé l'été & <b>le dimanche</b>"
    bare = second.unit.facility
    bare.phone, bare.door_code, bare.opening_hours = "", "", ""
    bare.street_address, bare.postcode, bare.commune_id = "", "", None
    first.unit.label = 'Chambre "12" <b>'
    shown = []
    for base, status, extension, sent, sms, place, code in [
        (first, "booked", False, None, "", True, True),
        (first, "booked", True, None, "queued", True, False),
        (first, "cancelled", False, timezone.now(), "sent", True, True),
        (first, "booked", False, None, "failed", False, False),
        (second, "booked", True, None, "", True, True),
        (second, "no_show", False, None, "failed", True, True),
    ]:
        night = type(base).objects.get(pk=base.pk)
        night.unit = base.unit
        night.status, night.extension, night.sms_sent_at = status, extension, sent
        night.night = base.night - datetime.timedelta(days=len(shown))
        night.sms_status, night.place_shown, night.door_code_shown = sms, place, code
        shown.append(night)
    return shown


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_nights_drawn_in_python_are_the_template_s_loop(net, language):  # noqa: F811
    nights = _nights(net)
    with translation.override(language):
        context = {"allocations": nights, "hidden_place": household_perms.HIDDEN_PLACE, "csrf_token": TOKEN}
        old = Template(OLD_LOOP).render(Context(context))
        new = views._allocations_html(nights, TOKEN)
    assert "&lt;Les Lilas&gt;" in new and 'data-place="hidden"' in new and 'data-sms="failed"' in new
    assert new == old
    with translation.override(language):
        assert views._allocations_html([], TOKEN) == Template(OLD_LOOP).render(Context({"allocations": []}))


def test_the_page_after_a_booking_has_one_token_for_its_forms_and_the_layout(net, login):  # noqa: F811
    found = _request(net)
    client = login(net["handler"], Client(enforce_csrf_checks=True))
    page = client.get(reverse("emergency:request", args=[found.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("emergency:allocate", args=[found.pk]),
        {"unit": net["singles"][0].pk, "csrfmiddlewaretoken": token},
        follow=True,
    )
    page = response.content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) >= 4 and len(set(tokens)) == 1  # the booked night's four forms, the layout's
    assert f'"X-CSRFToken": "{tokens[0]}"' in page
    night = found.allocations.get()
    cancel = reverse("emergency:allocation_action", args=[night.pk, "cancel"])
    assert f'action="{cancel}"' in page
    assert client.post(cancel, {"csrfmiddlewaretoken": tokens[0]}).status_code == 302


# _request_main.html's night and call time before issue 18's change, as they were (d3c8089).
OLD_DATES = (
    '{% load translations %}{% blocktranslate with night=req.night|date:"l j F" %}nuit du {{ night }}'
    '{% endblocktranslate %}|{% if req.call %}{% blocktranslate with d=req.call.received_at|date:"j F" '
    't=req.call.received_at|time:"H:i" %}reçu le {{ d }} à {{ t }}{% endblocktranslate %}{% endif %}'
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_night_and_the_call_s_time_are_the_template_s(net, language):  # noqa: F811
    found = _request(net)
    call = SimpleNamespace(received_at=datetime.datetime(2026, 12, 7, 23, 30, tzinfo=datetime.UTC))
    with translation.override(language):
        for req in (found, SimpleNamespace(night=found.night, call=call)):
            old = Template(OLD_DATES).render(Context({"req": req}))
            dates = views._request_dates_html(req)
            assert f"{dates['night_html']}|{dates.get('received_html', '')}" == old
    with translation.override("fr"):
        assert views._request_dates_html(SimpleNamespace(night=found.night, call=call))["received_html"] == (
            "reçu le 8 décembre à 00:30"  # Paris time, the next day
        )
