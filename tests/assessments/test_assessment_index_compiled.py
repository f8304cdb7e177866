# ruff: noqa: F811  (`world` is the fixture of test_assessments, imported)
"""The co-evaluation page's versions and the user's own drafts, their SQL compiled once per process
(core.compiled, issue 18): the same rows as the ORM's queries, for every household and reader, and a
draft never shown to anyone but its author, whoever's page compiled the query first."""

import pytest
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.assessments import perms, views
from parcours.assessments.models import Assessment, AssessmentDraft, AssessmentGrid
from parcours.core import compiled
from tests.assessments.test_assessments import W, save, world  # noqa: F401  (the `world` fixture)
from tests.factories import MembershipFactory, as_member

pytestmark = pytest.mark.django_db


def _draft(author, household, perspective):
    grid = AssessmentGrid.objects.order_by("-version").first()
    return AssessmentDraft.objects.create(
        household=household, author=author, perspective=perspective, grid=grid
    )


def _seen(assessment):
    organization = assessment.author_organization
    return (
        assessment.pk,
        assessment.perspective,
        assessment.number,
        assessment.author_label,
        organization.pk,
        organization.name,
        assessment.section_answers,
        assessment.created_at,
    )


@pytest.fixture
def versions(world):
    worker, own, consented = world.users[W], world.households["own"], world.households["consented"]
    for _ in range(2):
        save(worker, own, "worker", section_answers={"5": {"referent_name": "Mme Durand"}})
    save(worker, own, "person")
    save(world.other_worker, consented, "worker")
    save(world.users[Role.LANDLORD], consented, "landlord")
    return world


def test_the_versions_are_the_orms(versions):
    compiled._COMPILED.clear()
    for household in versions.households.values():
        expected = list(
            Assessment.objects.select_related("author", "author_organization")
            .filter(household=household)
            .order_by("-number", "-pk")
        )
        for _round in range(2):  # compiled, then reused
            assert [_seen(a) for a in views._versions(household.pk)] == [_seen(a) for a in expected]
    assert sum(len(views._versions(h.pk)) for h in versions.households.values()) == 5


def test_the_drafts_are_the_authors_own_whoever_compiled_first(versions, client, login):
    net_worker = versions.users[W]
    colleague = as_member(MembershipFactory(role=W, organization=net_worker.active_membership.organization))
    own = versions.households["own"]
    _draft(net_worker, own, "worker")
    _draft(colleague, own, "person")
    _draft(versions.other_worker, versions.households["consented"], "worker")
    readers = [colleague, net_worker, versions.other_worker, versions.users[Role.SIAO_COORDINATOR]]
    for order in (readers, readers[::-1]):
        compiled._COMPILED.clear()
        for user in order:
            for household in versions.households.values():
                writable = perms.writable_perspectives(user, household)
                expected = list(
                    AssessmentDraft.objects.filter(household=household, author=user, perspective__in=writable)
                )
                assert views._drafts(household.pk, user.pk, writable) == expected
    # On the page: each worker resumes their own draft only, on the same compiled query.
    compiled._COMPILED.clear()
    url = reverse("assessments:index", args=[own.pk])
    pages = {}
    for user in (net_worker, colleague):
        login(user)
        pages[user] = client.get(url).content.decode()
    resume = "Reprendre mon brouillon"
    assert (
        pages[net_worker].count(resume) == 1 and "Reprendre mon brouillon (Travailleur" in pages[net_worker]
    )
    assert pages[colleague].count(resume) == 1 and "Reprendre mon brouillon (Personne" in pages[colleague]
    keys = [key for key in compiled._COMPILED if key[0] == "assessments.index.drafts"]
    assert keys == [("assessments.index.drafts", ("worker", "person"))]


def test_no_draft_query_for_whoever_writes_no_perspective(versions, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert views._drafts(versions.households["own"].pk, versions.other_worker.pk, []) == []
