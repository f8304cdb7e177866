"""The demo households: about 2,000 coherent files, searchable, under the access rules, seeded once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from parcours.accounts.models import Organization, User
from parcours.accounts.roles import Role
from parcours.core.models import AuditEvent
from parcours.core.text import fold
from parcours.demo import network
from parcours.demo.households import demo_households
from parcours.households.choices import SUGGESTED_FAMILY, Relationship
from parcours.households.models import Consent, Household, MoneyLine, Person, SituationPeriod

pytestmark = pytest.mark.django_db


def _as(username, role):
    user = User.objects.get(username=username)
    user.active_membership = user.memberships.get(role=role)
    return user


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Household, Person, SituationPeriod, MoneyLine, Consent)
    } | {"audit": AuditEvent.objects.filter(action="demo.households.seed").count()}


def _check_households_are_many_and_coherent():
    households = Household.objects.all()
    assert 1800 <= households.count() <= 2200
    assert demo_households().count() == households.count()
    shape = households.annotate(
        heads=Count("people", filter=Q(people__relationship=Relationship.HEAD), distinct=True),
        open_periods=Count("situations", filter=Q(situations__ended_on__isnull=True), distinct=True),
    )
    assert not shape.exclude(heads=1).exists()
    assert not shape.exclude(open_periods=1).exists()
    # Every name is folded for search, as Person.save() would have done.
    assert all(p.search_text == fold(f"{p.first_name} {p.last_name}") for p in Person.objects.all())
    # The current period starts after every closed one; the public family follows the situation.
    for household in households.prefetch_related("situations")[:300]:
        current = household.current_situation
        assert all(p.started_on <= current.started_on for p in household.situations.all())
        if not household.public_family_reason:
            assert household.public_family == SUGGESTED_FAMILY.get(current.situation)
    # Variety: families with children and babies, people alone, SIAO files, protected ones.
    sizes = households.annotate(n=Count("people"))
    assert sizes.filter(n=1).count() > 600 and sizes.filter(n__gte=4).count() > 200
    assert Person.objects.filter(
        birth_date__gt=timezone.localdate().replace(year=timezone.localdate().year - 1)
    )
    siao = Organization.objects.get(name=network.SIAO)
    assert 100 <= households.filter(referent_organization=siao, referent__isnull=True).count() <= 320
    protected = households.filter(protected=True)
    assert 20 <= protected.count() <= 110
    assert all(h.referent_id in {u.pk for u in h.protected_viewers.all()} for h in protected)
    assert households.exclude(sne_number="").filter(sne_number__regex=r"^093[0-9]{15}$").count() > 200
    assert not households.exclude(sne_number="").exclude(sne_number__regex=r"^093[0-9]{15}$").exists()
    assert households.filter(dalo_decision="dalo", dalo_territory__code="93").exists()
    assert MoneyLine.objects.filter(kind="rsa").exists() and MoneyLine.objects.filter(is_resource=False)
    assert Consent.objects.filter(revoked_at__isnull=False).exists()
    assert Consent.objects.filter(ends_on__lt=timezone.localdate()).exists()


def _check_search_is_accent_insensitive():
    coordinator = _as("coordinatrice", Role.SIAO_COORDINATOR)
    person = (
        Person.objects.filter(household__protected=False, last_name__regex=r"[éèêëïîôç]")
        .order_by("pk")
        .first()
    )
    assert person is not None
    typed = [
        fold(f"{person.first_name} {person.last_name}"),  # no accent at all
        f"{person.first_name} {person.last_name}".upper(),  # accents and capitals as on a form
        f"{fold(person.last_name)} {person.birth_date.year}",
    ]
    for q in typed:
        found = Household.objects.visible_to(coordinator, for_search=True).search(q)
        assert found.filter(pk=person.household_id).exists(), q


def _check_access_rules_hold():
    today = timezone.localdate()
    worker = _as("travailleuse", Role.SOCIAL_WORKER)
    org = worker.active_membership.organization
    visible = set(Household.objects.visible_to(worker).values_list("pk", flat=True))
    own = set(Household.objects.filter(referent_organization=org).values_list("pk", flat=True))
    consented = set(
        Consent.objects.filter(
            organization=org, revoked_at__isnull=True, starts_on__lte=today, ends_on__gte=today
        ).values_list("household_id", flat=True)
    )
    assert own and consented - own, "the demo worker has her files and files shared with her"
    assert visible == own | consented
    not_shared = (
        set(
            Consent.objects.filter(organization=org)
            .filter(Q(revoked_at__isnull=False) | Q(ends_on__lt=today))
            .values_list("household_id", flat=True)
        )
        - own
        - consented
    )
    assert not_shared and not (not_shared & visible), "withdrawn or expired consent shares nothing"

    coordinator = _as("coordinatrice", Role.SIAO_COORDINATOR)
    everything = set(Household.objects.values_list("pk", flat=True))
    assert set(Household.objects.visible_to(coordinator).values_list("pk", flat=True)) == everything
    searchable = set(Household.objects.visible_to(coordinator, for_search=True).values_list("pk", flat=True))
    assert searchable == set(Household.objects.filter(protected=False).values_list("pk", flat=True))
    # A protected file is found by its referent, named on it, and by no other worker.
    protected = Household.objects.filter(protected=True).select_related("referent").first()
    referent = protected.referent
    referent.active_membership = referent.memberships.get(role=Role.SOCIAL_WORKER)
    assert Household.objects.visible_to(referent, for_search=True).filter(pk=protected.pk).exists()


def _check_network(printed):
    from parcours.accounts.models import Membership

    for role, username, _org in network.ROLE_ACCOUNTS:
        assert Membership.objects.filter(user__username=username, role=role).exists()
        assert username in printed
    assert network.DEMO_PASSWORD in printed
    counts = {
        t: Organization.objects.filter(type=t).count() for t in ("siao_operator", "association", "landlord")
    }
    assert counts == {"siao_operator": 1, "association": 15, "landlord": 4}
    assert Organization.objects.filter(type="state_service").exists()
    assert Organization.objects.filter(type="partner").count() >= 2


def test_demo_network():
    """One seed for all the checks: the whole demo (network, households, assessments) takes seconds."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    _check_network(out.getvalue())
    _check_households_are_many_and_coherent()
    _check_search_is_accent_insensitive()
    _check_access_rules_hold()
    # Seeding again adds nothing.
    before = _counts()
    assert before["audit"] == 1
    users = User.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before and User.objects.count() == users
    from parcours.core import audit

    assert audit.verify_chain().ok
