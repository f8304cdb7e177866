"""The layout's fragments (core.templatetags.layout_tags, issue 18): the header is rendered once per
user, access, language and current entry, then reused with this request's own CSRF token, CSP nonce
and address; it follows every change of what it shows, and is never another user's."""

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from parcours.accounts.roles import Role
from parcours.core.templatetags.layout_tags import LayoutFragmentNode

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HEADER = re.compile(r'<header class="prc-header">.*?</header>', re.S)


def header(response) -> str:
    return HEADER.search(response.content.decode()).group(0)


@pytest.fixture
def renders():
    """The names of the fragments rendered (not read from where they are kept) during the test."""
    rendered = []
    original = LayoutFragmentNode._render_with_slots

    def spy(node, context):
        rendered.append(node.name.resolve(context))
        return original(node, context)

    with mock.patch.object(LayoutFragmentNode, "_render_with_slots", spy):
        yield rendered


@pytest.mark.django_db
def test_the_header_is_rendered_once_then_filled_with_each_requests_values(member, login, renders):
    worker = member(Role.SOCIAL_WORKER)
    client = login(worker, Client(enforce_csrf_checks=True))
    client.get(reverse("core:home"))
    assert "header" in renders
    renders.clear()
    path = reverse("households:list") + '?q=a"<b>'
    response = client.get(path)
    assert renders == ["header"]  # another page, another current entry: its own copy
    renders.clear()
    response = client.get(path)
    assert renders == []
    page = response.content.decode()
    assert "__parcours_layout" not in page
    full_path = response.wsgi_request.get_full_path()
    assert "%3Cb%3E" in full_path
    assert f'name="next" value="{escape(full_path)}"' in page
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert page.count(f'nonce="{nonce}"') >= 3
    tokens = TOKEN.findall(header(response))
    assert len(tokens) >= 2 and len(set(tokens)) == 1
    # The header's token is this session's: its logout form works.
    answer = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert answer.status_code == 302


@pytest.mark.django_db
def test_the_header_follows_the_users_organization_name_and_language(member, login, client):
    worker = member(Role.SOCIAL_WORKER)
    login(worker)
    membership = worker.memberships.get()
    assert membership.organization.name in header(client.get(reverse("core:home")))
    membership.organization.name = "Association renommée"
    membership.organization.save()  # bumps the access version of its members
    assert "Association renommée" in header(client.get(reverse("core:home")))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign out" in header(client.get(reverse("core:home")))


@pytest.mark.django_db
def test_a_user_without_membership_sees_their_name_as_it_is_now(client, login):
    from tests.factories import UserFactory

    user = UserFactory(first_name="Dominique", last_name="Avant")
    login(user)
    assert "Dominique Avant" in header(client.get(reverse("core:home")))
    user.last_name = "Après"
    user.save()
    assert "Dominique Après" in header(client.get(reverse("core:home")))


@pytest.mark.django_db
def test_a_header_is_never_another_users(member, login):
    one, other = member(Role.SOCIAL_WORKER), member(Role.SOCIAL_WORKER)
    first, second = login(one, Client()), login(other, Client())
    names = [user.memberships.get().organization.name for user in (one, other)]
    seen = [header(c.get(reverse("core:home"))) for c in (first, second)]
    assert names[0] in seen[0] and names[1] not in seen[0]
    assert names[1] in seen[1] and names[0] not in seen[1]


@pytest.mark.django_db
def test_the_account_page_is_marked_current_and_other_pages_not(client, member, login):
    login(member(Role.SOCIAL_WORKER))
    account = reverse("accounts:account")
    assert f'href="{account}" aria-current="page"' in header(client.get(account))
    assert f'href="{account}" aria-current="page"' not in header(client.get(reverse("core:home")))


@pytest.mark.django_db
def test_a_fragment_whose_key_is_empty_is_rendered_and_not_kept(renders):
    from django.template import Context, Template

    template = Template(
        '{% load layout_tags %}{% layout_fragment "essai" key %}{{ shown }}{% endlayout_fragment %}'
    )
    assert template.render(Context({"key": "", "shown": "un"})) == "un"
    assert template.render(Context({"key": None, "shown": "deux"})) == "deux"
    assert renders == []  # rendered directly: neither kept nor read
