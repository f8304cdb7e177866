"""The continuity banner of the call and request pages is rendered once per language (issue 18) and
is what `{% include "emergency/_offline_banner.html" %}` draws, with each user's own id."""

import pytest
from django.template import RequestContext, Template
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation

from parcours.emergency import views
from tests.emergency.test_emergency import _request, net  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

INCLUDE = Template('{% include "emergency/_offline_banner.html" %}')


def _included(request):
    return INCLUDE.render(RequestContext(request, {}))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_banner_is_the_include_s_for_each_user(net, rf, language):  # noqa: F811
    views._OFFLINE_BANNERS.clear()
    url = reverse("emergency:call")
    with translation.override(language):
        for user in (net["handler"], net["members"][next(iter(net["members"]))].user):
            request = rf.get(url)
            request.user = user
            request.resolver_match = resolve(url)
            assert views._offline_banner_html(request) == _included(request)
            assert f'data-user="{user.pk}"' in views._offline_banner_html(request)
    assert len(views._OFFLINE_BANNERS) == 1


def test_the_pages_show_the_banner_with_the_user_s_id(net, login):  # noqa: F811
    client = login(net["handler"], Client())
    found = _request(net)
    for url in (reverse("emergency:call"), reverse("emergency:request", args=[found.pk])):
        page = client.get(url).content.decode()
        assert page.count("data-offline-banner") == 1
        assert f'data-user="{net["handler"].pk}"' in page
        assert views.OFFLINE_USER_SLOT not in page


CRUMBS = Template('{% include "includes/breadcrumbs.html" %}')


def test_the_call_page_s_breadcrumbs_are_the_include_s_for_every_role(net, rf):  # noqa: F811
    views._CRUMBS.clear()
    url = reverse("emergency:call")
    crumbs = views._crumbs(("Nouvel appel", None))
    for membership in net["members"].values():
        request = rf.get(url)
        request.user = membership.user
        request.user.active_membership = membership
        request.resolver_match = resolve(url)
        expected = CRUMBS.render(RequestContext(request, {"crumbs": crumbs}))
        assert views._crumbs_html(request, crumbs) == expected, membership.role
        assert views._crumbs_html(request, crumbs) == expected  # from the table


@pytest.mark.parametrize("label", ["Appelant·e anonyme", "Jo <b>& « Co »</b> (sans dossier)"])
def test_a_request_page_s_breadcrumbs_are_the_include_s_with_its_label(net, rf, label):  # noqa: F811
    views._CRUMBS.clear()
    url = reverse("emergency:request", args=[_request(net).pk])
    for membership in net["members"].values():
        request = rf.get(url)
        request.user = membership.user
        request.user.active_membership = membership
        request.resolver_match = resolve(url)
        expected = CRUMBS.render(RequestContext(request, {"crumbs": views._crumbs((label, None))}))
        assert views._crumbs_html(request, views._crumbs(), last=label) == expected, membership.role
        assert views.CRUMB_SLOT not in expected
    assert label not in str(views._CRUMBS)  # the label is never kept
