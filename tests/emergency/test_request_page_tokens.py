"""A 115 request's page masks its CSRF token once for the places list and the forms (issue 18), and
its places list, kept in the cache under the free units' rows, is the same page whether drawn from
the cache or rendered again."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.emergency.test_emergency import _request, net  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(r'nonce="[^"]+"')


def test_one_token_for_the_places_and_the_forms_and_it_is_accepted(net, login):  # noqa: F811
    first = _request(net)
    client = login(net["handler"], Client(enforce_csrf_checks=True))
    page = client.get(reverse("emergency:request", args=[first.pk])).content.decode()
    tokens = TOKEN.findall(page)
    assert len(tokens) >= 4 and len(set(tokens)) == 1  # a place's form, unmet, priority, cancel
    assert f'"X-CSRFToken": "{tokens[0]}"' in page  # the layout's htmx header: the same
    unit = net["singles"][0]
    assert f'<option value="{unit.pk}">' in page or f'name="unit" value="{unit.pk}"' in page
    response = client.post(
        reverse("emergency:allocate", args=[first.pk]), {"unit": unit.pk, "csrfmiddlewaretoken": tokens[0]}
    )
    assert response.status_code == 302


def test_a_closed_request_s_page_keeps_the_template_s_token(net, login):  # noqa: F811
    first = _request(net)
    client = login(net["handler"], Client(enforce_csrf_checks=True))
    client.post(
        reverse("emergency:allocate", args=[first.pk]),
        {"unit": net["singles"][0].pk, "csrfmiddlewaretoken": _token(client, first)},
    )
    page = client.get(reverse("emergency:request", args=[first.pk])).content.decode()
    assert TOKEN.findall(page)  # the booked night's forms


def _token(client, found):
    return TOKEN.findall(client.get(reverse("emergency:request", args=[found.pk])).content.decode())[0]


def test_the_places_from_the_cache_are_those_rendered_again(net, login):  # noqa: F811
    first = _request(net)
    client = login(net["handler"], Client())
    url = reverse("emergency:request", args=[first.pk])

    def page():
        html = client.get(url).content.decode()
        return NONCE.sub("", html.replace(TOKEN.findall(html)[0], "TOKEN"))

    cache.clear()
    cold = page()
    assert page() == cold  # the whole list from the cache
    cache.clear()
    assert page() == cold
