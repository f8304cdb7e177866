"""Strategic-plan monitoring: who reads and who keeps the plan, stale edits, figures with their source,
and the mid-term and annual reports against a hand-computed example."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.roles import Role
from parcours.core.versioning import StaleVersionError
from parcours.plan import perms, services
from parcours.plan.models import Action, Axis, ManualValue, Objective, Plan, PlanIndicator
from tests.factories import MembershipFactory
from tests.perm_matrix import assert_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def plan():
    p = Plan.objects.create(
        title="Projet 2022-2027",
        starts_on=dt.date(2022, 6, 2),
        ends_on=dt.date(2027, 6, 30),
        mid_term_on=dt.date(2024, 12, 31),
    )
    a1 = Axis.objects.create(plan=p, number=1, title="Réseau")
    a2 = Axis.objects.create(plan=p, number=2, title="Parcours simplifié")
    o1 = Objective.objects.create(axis=a1, title="Se concerter")
    o2 = Objective.objects.create(axis=a2, title="Logement d'abord")
    past = timezone.localdate() - dt.timedelta(days=10)
    Action.objects.create(objective=o1, title="Réunions trimestrielles", status="done", due_on=past)
    Action.objects.create(objective=o1, title="Bulletin", status="in_progress", due_on=past)  # late
    Action.objects.create(
        objective=o1, title="Charte", status="planned", due_on=timezone.localdate() + dt.timedelta(days=30)
    )
    Action.objects.create(objective=o2, title="Expérimentation", status="abandoned", due_on=past)
    meetings = PlanIndicator.objects.create(
        objective=o1, label="Réunions tenues", unit="réunions", target=Decimal("4")
    )
    ManualValue.objects.create(
        indicator=meetings, on=dt.date(2023, 12, 31), value=Decimal("3"), source="Rapport 2023"
    )
    ManualValue.objects.create(
        indicator=meetings, on=dt.date(2024, 12, 31), value=Decimal("5"), source="Rapport 2024"
    )
    ManualValue.objects.create(
        indicator=meetings, on=dt.date(2025, 12, 31), value=Decimal("2"), source="Rapport 2025"
    )
    PlanIndicator.objects.create(objective=o2, label="Sorties vers le logement", indicator_code="siao.exits")
    return p


def _user(role):
    membership = MembershipFactory(role=role)
    user = membership.user
    user.active_membership = membership
    return user


def test_everyone_reads_the_plan_only_the_network_admin_keeps_it():
    users = {role: _user(role) for role in Role.values}
    assert_matrix(
        {
            (role, "plan", action): action == "view" or role == Role.NETWORK_ADMIN
            for role in Role.values
            for action in ("view", "manage")
        },
        lambda role, _obj, action: (perms.can_view_plan if action == "view" else perms.can_manage_plan)(
            users[role]
        ),
    )


def test_reports_by_hand(plan):
    mid = services.plan_report(plan, *services.report_period(plan, "mid_term"))
    axis1, axis2 = mid
    assert axis1.counts == {"planned": 1, "in_progress": 1, "done": 1, "abandoned": 0}
    assert axis1.late == []  # at the mid-term date nothing was due yet
    assert axis2.counts == {"planned": 0, "in_progress": 0, "done": 0, "abandoned": 1}
    (_objective, _actions, lines) = axis1.objectives[0]
    assert (lines[0].value, lines[0].source) == (
        Decimal("5"),
        "Rapport 2024",
    )  # latest within 2022-06 → 2024-12
    annual = services.plan_report(plan, *services.report_period(plan, "annual", 2023))
    assert annual[0].objectives[0][2][0].value == Decimal("3")
    this_year = services.plan_report(plan, *services.report_period(plan, "annual", timezone.localdate().year))
    assert [a.title for a in this_year[0].late] == ["Bulletin"]
    assert this_year[1].late == []  # an abandoned action is not late
    exits = annual[1].objectives[0][2][0]
    assert (exits.value, exits.source) == (0, "Observatoire Parcours (siao.exits)")


def test_admin_edits_an_action_and_a_stale_edit_is_refused(plan, client, login):
    admin = _user(Role.NETWORK_ADMIN)
    action = Action.objects.get(title="Bulletin")
    login(admin)
    url = reverse("plan:action_edit", args=[action.pk])
    assert client.get(url).status_code == 200
    ok = client.post(
        url, {"version": action.version, "title": "Bulletin", "status": "done", "note": "Trois numéros"}
    )
    assert ok.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.note) == ("done", "Trois numéros")
    stale = client.post(url, {"version": action.version - 1, "title": "Bulletin", "status": "planned"})
    assert stale.status_code == 409 and "modifiée entre-temps" in stale.content.decode()
    action.refresh_from_db()
    assert action.status == "done"
    with pytest.raises(StaleVersionError):
        services.action_update(actor=admin, action=action, version=0, status="planned")


def test_others_read_but_cannot_edit(plan, client, login):
    observer = _user(Role.OBSERVER)
    login(observer)
    assert client.get(reverse("plan:overview")).status_code == 200
    report = client.get(reverse("plan:report", args=["mi-parcours"]))
    assert report.status_code == 200 and "Rapport à mi-parcours" in report.content.decode()
    assert client.get(reverse("plan:action_edit", args=[Action.objects.first().pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.value_record(
            actor=observer,
            indicator=PlanIndicator.objects.first(),
            on=dt.date(2025, 1, 1),
            value=1,
            source="x",
        )


def test_a_figure_needs_its_source(plan, client, login):
    admin = _user(Role.NETWORK_ADMIN)
    indicator = PlanIndicator.objects.get(label="Réunions tenues")
    with pytest.raises(ValidationError):
        services.value_record(
            actor=admin, indicator=indicator, on=dt.date(2025, 6, 1), value=Decimal("2"), source=" "
        )
    login(admin)
    bad = client.post(reverse("plan:value_add", args=[indicator.pk]), {"on": "2025-06-01", "value": "2"})
    assert bad.status_code == 400
    assert indicator.values.count() == 3
