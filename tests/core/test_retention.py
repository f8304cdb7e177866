"""Retention and anonymisation: every field classified, the demo's dormant files anonymised and
only them, the observatory's figures unchanged, no name in the audit trail, dry run and idempotence."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone

from parcours.core import audit, retention
from parcours.core.models import AuditEvent
from parcours.emergency.models import EmergencyCall, EmergencyRequest
from parcours.households.models import Household, Person
from parcours.households.timeline import household_path
from parcours.observatory.catalogue import INDICATORS, Period
from parcours.orientation.models import InsertionRequest, RequestTransition
from parcours.support.models import MeasureReview, ProjectGoal, SupportAction, SupportMeasure
from tests.factories import OrganizationFactory, make_household

# -- The classification ---------------------------------------------------------------------------


def test_every_field_of_every_model_is_classified():
    """A model that gains a field fails here until its app says whether it is personal data and, if
    so, how the retention run anonymises it (its app's retention.py)."""
    assert retention.unclassified() == {}


def test_an_unclassified_field_is_reported(monkeypatch):
    rules = retention.REGISTRY[Person]
    personal = dict(rules.personal)
    del personal["birth_date"]
    monkeypatch.setattr(rules, "personal", personal)
    assert retention.unclassified() == {"households.Person": {"birth_date"}}


def test_every_declared_field_exists():
    """No stale declaration: a renamed or removed field must leave its app's retention.py too."""
    for model, rules in retention.REGISTRY.items():
        fields = retention.concrete_field_names(model)
        declared = set(rules.personal) | set(rules.not_personal)
        assert declared <= fields, (model._meta.label, declared - fields)
        if rules.household:  # the path to the household resolves (a FieldError otherwise)
            model._default_manager.filter(**{f"{rules.household}__in": [0]})


def test_personal_fields_of_households_and_people_have_rules():
    household = retention.REGISTRY[Household].personal
    person = retention.REGISTRY[Person].personal
    for name in ("address", "phone", "sne_number", "si_siao_number"):
        assert isinstance(household[name], retention.Erase)
    assert isinstance(person["first_name"], retention.Replace)
    assert isinstance(person["last_name"], retention.Replace)
    assert isinstance(person["birth_date"], retention.YearOnly)


# -- Contact and live files, on small cases --------------------------------------------------------


@pytest.fixture
def organization(db):
    return OrganizationFactory(type="association")


def _in_three_years() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=3 * 366)


def test_a_household_without_contact_is_anonymised_and_one_in_contact_is_not(organization, member):
    worker = member(organization=organization)
    quiet = make_household(organization=organization, people=[("Odile", "Marchand", dt.date(1979, 8, 14))])
    called = make_household(organization=organization, people=[("Yves", "Carpentier", dt.date(1990, 3, 2))])
    later = timezone.now() + dt.timedelta(days=3 * 366 - 30)
    EmergencyCall.objects.create(received_at=later, territory=called.territory, household=called)

    found = retention.run_retention(wet=True, today=_in_three_years())

    assert found.due == [quiet.pk]
    quiet.refresh_from_db()
    assert quiet.anonymised_at is not None and quiet.address == "" and quiet.phone == ""
    person = quiet.people.get()
    assert (person.first_name, person.last_name, person.birth_date) == (
        "Personne",
        "anonymisée",
        dt.date(1979, 1, 1),
    )
    assert person.search_text == "personne anonymisee"
    assert Person.objects.get(household=called).last_name == "Carpentier"
    assert not Household.objects.filter(people__search_text__contains="marchand").exists()
    # The path tells whoever opens the file why its names and texts are gone.
    labels = [step.label for step in household_path(worker, quiet)]
    assert "Dossier anonymisé (durée de conservation sans contact écoulée)" in labels
    assert not any("anonymisé" in step.label for step in household_path(worker, called))


def test_a_file_written_to_after_its_anonymisation_is_anonymised_again_in_time(organization):
    household = make_household(organization=organization)
    later = _in_three_years()
    assert retention.run_retention(wet=True, today=later).due == [household.pk]
    # A worker reopens the file and writes a name again: nothing is due today, the new name is kept…
    Person.objects.create(household=household, first_name="Nadia", last_name="Benali", relationship="spouse")
    found = retention.run_retention(wet=True)
    assert found.due == [] and found.already == 0
    assert Person.objects.filter(last_name="Benali").exists()
    # …until it is past the limit in its turn; then it goes the same way, once.
    assert retention.run_retention(wet=True, today=later).due == [household.pk]
    assert not Person.objects.filter(last_name="Benali").exists()
    again = retention.run_retention(wet=True, today=later)
    assert again.due == [] and again.already == 1


def test_a_protected_file_loses_its_list_of_authorised_viewers(organization, member):
    viewer = member()
    household = make_household(organization=organization, protected=True)
    household.protected_viewers.add(viewer)
    retention.run_retention(wet=True, today=_in_three_years())
    household.refresh_from_db()
    assert household.protected and household.protected_viewers.count() == 0


def test_a_live_file_is_never_anonymised(organization):
    from parcours.support.models import MeasureKind

    household = make_household(organization=organization)
    kind = MeasureKind.objects.order_by("pk").first()
    SupportMeasure.objects.create(
        household=household,
        kind=kind,
        organization=organization,
        status="open",
        consent_given=True,
        started_on=timezone.localdate(),
    )
    found = retention.run_retention(wet=True, today=_in_three_years())
    assert found.due == [] and found.kept_alive == [household.pk]
    household.refresh_from_db()
    assert household.anonymised_at is None and household.phone == "0600000000"


def test_the_limit_is_counted_in_months(settings):
    settings.PARCOURS_RETENTION_MONTHS = 24
    assert retention.limit_date(dt.date(2026, 12, 3)).date() == dt.date(2024, 12, 3)
    assert retention.limit_date(dt.date(2026, 3, 31), months=1).date() == dt.date(2026, 2, 28)


def test_the_command_refuses_a_retention_under_one_month(db):
    with pytest.raises(CommandError, match="au moins un mois"):
        call_command("retention", "--months", "0", stdout=StringIO())


# -- The whole demo --------------------------------------------------------------------------------

PERIODS = [
    Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    Period(dt.date(2023, 1, 1), dt.date(2024, 6, 30)),
    Period(dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
]


def _figures() -> dict:
    """Every indicator of the catalogue, over several periods, for the whole country and the 93."""
    today = timezone.localdate()
    periods = [*PERIODS, Period(today - dt.timedelta(days=365), today)]
    figures = {}
    for code, indicator in sorted(INDICATORS.items()):
        for period in periods:
            for territory in (None, "93", "75"):
                result = indicator.compute(period, territory)
                figures[(code, period, territory)] = (
                    [(row.key, str(row.label), row.value) for row in result.rows],
                    result.total,
                )
    return figures


def _audit_text() -> str:
    rows = AuditEvent.objects.order_by("id").values()
    return json.dumps(list(rows), default=str, ensure_ascii=False)


def _snapshot() -> dict:
    return {
        "audit": AuditEvent.objects.count(),
        "anonymised": Household.objects.filter(anonymised_at__isnull=False).count(),
        "names": sorted(Person.objects.values_list("pk", "first_name", "last_name", "birth_date")),
        "phones": sorted(Household.objects.exclude(phone="").values_list("pk", flat=True)),
    }


def _names_in(text: str, people) -> set[str]:
    return {f"{first} {last}" for first, last in people if f"{first} {last}" in text} | {
        last for _first, last in people if len(last) >= 5 and f'"{last}"' in text
    }


def test_retention_on_the_demo(demo_network):
    limit = retention.limit_date()
    alive = Q(
        insertion_requests__status__in=["draft", "submitted", "to_complete", "validated", "proposed"]
    ) | Q(support_measures__status="open")
    # The files nobody touched since the limit: none of the active demo, all the dormant ones.
    untouched = Household.objects.filter(updated_at__lt=limit, last_contact_at__lt=limit)
    expected = set(untouched.exclude(alive).values_list("pk", flat=True))
    kept = set(untouched.filter(alive).values_list("pk", flat=True))
    assert len(expected) == 60 and len(kept) == 6
    due_people = list(Person.objects.filter(household__in=expected).values_list("first_name", "last_name"))
    kept_people = sorted(
        Person.objects.filter(household__in=kept).values_list("pk", "first_name", "last_name")
    )
    figures = _figures()
    # The dormant files count in the figures of their years: the comparison below has something to hold.
    old = [
        value
        for (_c, period, _t), (rows, _total) in figures.items()
        if period in PERIODS
        for *_kl, value in rows
    ]
    assert sum(1 for value in old if value) >= 20
    # Before and after: the audit trail holds object ids and field names, never a name.
    assert _names_in(_audit_text(), due_people) == set()

    # A dry run says what it would do and writes nothing.
    before = _snapshot()
    out = StringIO()
    call_command("retention", stdout=out)
    assert "Simulation" in out.getvalue() and "ménages à anonymiser : 60" in out.getvalue()
    assert "ménages gardés (demande, mesure ou admission en cours) : 6" in out.getvalue()
    assert _snapshot() == before

    out = StringIO()
    call_command("retention", "--wet-run", stdout=out)
    assert "ménages anonymisés : 60" in out.getvalue()
    anonymised = set(Household.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    assert anonymised == expected

    # The observatory's figures are the same, indicator by indicator, period by period.
    after = _figures()
    assert after.keys() == figures.keys()
    for key, value in figures.items():
        assert after[key] == value, key

    # Nothing left that names, locates or tells the story of the people.
    people = Person.objects.filter(household__in=expected)
    assert set(people.values_list("first_name", "last_name")) == {("Personne", "anonymisée")}
    assert (
        not people.exclude(birth_date__isnull=True).exclude(birth_date__month=1, birth_date__day=1).exists()
    )
    files = Household.objects.filter(pk__in=expected)
    assert not files.exclude(address="", phone="", sne_number="", public_family_reason="").exists()
    assert not EmergencyCall.objects.filter(household__in=expected).exclude(caller_phone="").exists()
    requests = EmergencyRequest.objects.filter(household__in=expected)
    assert requests.exists() and not requests.exclude(caller_phone="").exists()
    assert set(requests.values_list("priority_reason", flat=True)) <= {"", retention.REDACTED}
    assert not RequestTransition.objects.filter(request__household__in=expected).exclude(reason="").exists()
    assert not SupportAction.objects.filter(measure__household__in=expected).exclude(note="").exists()
    assert not MeasureReview.objects.filter(measure__household__in=expected).exclude(summary="").exists()
    assert set(
        ProjectGoal.objects.filter(measure__household__in=expected).values_list("title", flat=True)
    ) <= {retention.REDACTED}
    # …while the live files and the active demo are untouched.
    assert sorted(Person.objects.filter(household__in=kept).values_list("pk", "first_name", "last_name")) == (
        kept_people
    )
    assert InsertionRequest.objects.filter(household__in=kept).exists()
    assert Person.objects.exclude(household__in=expected).exclude(first_name="Personne").count() == (
        Person.objects.exclude(household__in=expected).count()
    )

    # The audit trail says who acted (the retention run) on which file, still without a name.
    events = AuditEvent.objects.filter(action="retention.anonymise")
    assert events.count() == 60
    assert set(events.values_list("object_id", flat=True)) == {str(pk) for pk in expected}
    assert _names_in(_audit_text(), due_people) == set()
    assert audit.verify_chain().ok

    # Idempotent: a second run finds nothing more and writes nothing.
    again = _snapshot()
    out = StringIO()
    call_command("retention", "--wet-run", stdout=out)
    assert "ménages anonymisés : 0" in out.getvalue() and "déjà anonymisés auparavant : 60" in out.getvalue()
    assert _snapshot() == again
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert audit.verify_chain().ok
    # Seeding the demo again adds no dormant file.
    call_command("seed_demo", stdout=StringIO())
    assert Household.objects.filter(updated_at__lt=limit).count() == 66
