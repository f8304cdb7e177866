"""Services authorize (issue 14 item 3, ADR 0016): each write service, called directly, refuses an
actor whose role may not do it, with the domain's Forbidden, and nothing changes in the database
(no row written, no audit row). The pages and the API add nothing to this check; they only load.

One case per service; each case lists the roles that may NOT act (of the seven, acting in their
usual organization of `role_network`, plus `other_worker`, a social worker of another association).
The plan and the matching settings have their own tests of the same rule (test_plan, test_matching).
"""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from parcours.accounts import services as account_services
from parcours.accounts.models import ApiToken, Membership
from parcours.accounts.roles import OrganizationType, Role
from parcours.assessments import services as assessment_services
from parcours.core import errors
from parcours.emergency import services as emergency_services
from parcours.emergency.nights import current_night
from parcours.households import services as household_services
from parcours.households.models import Consent
from parcours.notifications import services as notification_services
from parcours.offers import services as offer_services
from parcours.portal import services as portal_services
from parcours.support import services as support_services
from tests.factories import (
    EmergencyRequestFactory,
    FacilityFactory,
    MembershipFactory,
    NightAllocationFactory,
    PortalAccessFactory,
    UnitFactory,
    VacancyFactory,
    make_emergency_facility,
    make_household,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

SW, CH, SC = Role.SOCIAL_WORKER, Role.CALL_HANDLER, Role.SIAO_COORDINATOR
FM, LL, OBS, ADMIN = Role.FACILITY_MANAGER, Role.LANDLORD, Role.OBSERVER, Role.NETWORK_ADMIN
OTHER = "other_worker"  # a social worker of another association, with no consent

# Who may not touch a file the association follows in 93: only its workers and the SIAO 93 may.
NOT_ON_THE_FILE = (FM, LL, OBS, ADMIN, OTHER)
NOT_THE_115 = (SW, FM, LL, OBS, ADMIN, OTHER)
NOT_MANAGING_THE_CHRS = (SW, CH, LL, OBS, OTHER)  # the association's CHRS in 93
NOT_ADMIN = (SW, CH, SC, FM, LL, OBS, OTHER)
EVERYONE = (SW, CH, SC, FM, LL, OBS, ADMIN, OTHER)
# Mon espace: only a social worker of the referent organisation opens and manages a person's access.
NOT_THE_REFERENT_WORKER = (CH, SC, FM, LL, OBS, ADMIN, OTHER)

WATCHED_APPS = (
    "households",
    "assessments",
    "offers",
    "emergency",
    "accounts",
    "core",
    "support",
    "notifications",
    "portal",
)
# Appointments and a person's notification choices: the referent organization's social workers only.
NOT_THE_REFERENT_WORKERS = (CH, SC, FM, LL, OBS, ADMIN, OTHER)


def snapshot() -> dict:
    """Every row of the apps these services write, audit trail included."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models()
    }


def _household(world, **kwargs):
    return make_household(organization=world.association, **kwargs)


def _consent_for_partner(world, household):
    return Consent.objects.create(
        household=household,
        organization=world.partner,
        purpose="support",
        starts_on=timezone.localdate() - dt.timedelta(days=1),
        ends_on=timezone.localdate() + dt.timedelta(days=90),
        recorded_by=world.users[SW],
    )


def _chrs(world):
    return FacilityFactory(kind="chrs", organization=world.association, territory=world.association.territory)


def _members():
    return [household_services.MemberData("Awa", "Diallo", dt.date(1990, 1, 1), "F", "head")]


# Each case: (name, the roles refused, setup(world) → act(actor)).
CASES = [
    (
        "household_create",
        (FM, LL, OBS, ADMIN),
        lambda w: (
            lambda actor: household_services.household_create(
                actor=actor, members=_members(), territory="93", situation="street"
            )
        ),
    ),
    (
        "household_update",
        NOT_ON_THE_FILE,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: household_services.household_update(actor=actor, household=h, version=h.version)
            )
        ),
    ),
    (
        "household_update_address",
        # The whole file but not a protected household's whereabouts: the SIAO, when not named on it.
        (*NOT_ON_THE_FILE, CH, SC),
        lambda w: (
            (h := _household(w, protected=True, referent=w.users[SW]))
            and (
                lambda actor: household_services.household_update(
                    actor=actor, household=h, version=h.version, address="1 rue Neuve"
                )
            )
        ),
    ),
    (
        "referent_transfer",
        NOT_ON_THE_FILE,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: household_services.referent_transfer(
                    actor=actor, household=h, organization=w.siao
                )
            )
        ),
    ),
    (
        "situation_change",
        NOT_ON_THE_FILE,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: household_services.situation_change(actor=actor, household=h, situation="hotel")
            )
        ),
    ),
    (
        "consent_record",
        NOT_ON_THE_FILE,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: household_services.consent_record(
                    actor=actor,
                    household=h,
                    organization=w.partner,
                    purpose="support",
                    ends_on=timezone.localdate() + dt.timedelta(days=30),
                )
            )
        ),
    ),
    (
        "consent_revoke",
        # The organization the consent names may give it up: `other_worker` is not refused here.
        (FM, LL, OBS, ADMIN),
        lambda w: (
            (c := _consent_for_partner(w, _household(w)))
            and (lambda actor: household_services.consent_revoke(actor=actor, consent=c))
        ),
    ),
    (
        "household_merge",
        NOT_ON_THE_FILE,
        lambda w: (
            (keep := _household(w), duplicate := _household(w))
            and (
                lambda actor: household_services.household_merge(actor=actor, keep=keep, duplicate=duplicate)
            )
        ),
    ),
    (
        "household_split",
        NOT_ON_THE_FILE,
        lambda w: (
            (keep := _household(w), merged := _household(w))
            and type(merged).objects.filter(pk=merged.pk).update(merged_into=keep) >= 0
            and (
                lambda actor: household_services.household_split(
                    actor=actor, merged=type(merged).objects.get(pk=merged.pk)
                )
            )
        ),
    ),
    (
        "composition_update",
        NOT_ON_THE_FILE,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: household_services.composition_update(
                    actor=actor, household=h, version=h.version, members=[m.__dict__ for m in _members()]
                )
            )
        ),
    ),
    (
        "money_lines_update",
        NOT_ON_THE_FILE,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: household_services.money_lines_update(
                    actor=actor, household=h, version=h.version, lines=[]
                )
            )
        ),
    ),
    (
        "household_delete",
        # Only the referent organization closes a file: not the SIAO either.
        (CH, SC, *NOT_ON_THE_FILE),
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: household_services.household_delete(actor=actor, household=h, version=h.version)
            )
        ),
    ),
    (
        "assessment_save",
        NOT_ON_THE_FILE,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: assessment_services.assessment_save(
                    actor=actor, household=h, perspective="worker", answers=[]
                )
            )
        ),
    ),
    (
        "facility_create",
        NOT_MANAGING_THE_CHRS,
        lambda w: (
            lambda actor: offer_services.facility_create(
                actor=actor, name="CHRS Neuf", kind="chrs", organization=w.association, territory="93"
            )
        ),
    ),
    (
        "facility_update",
        NOT_MANAGING_THE_CHRS,
        lambda w: (
            (f := _chrs(w))
            and (
                lambda actor: offer_services.facility_update(
                    actor=actor, facility=f, version=f.version, name="X"
                )
            )
        ),
    ),
    (
        "unit_create",
        NOT_MANAGING_THE_CHRS,
        lambda w: (
            (f := _chrs(w))
            and (lambda actor: offer_services.unit_create(actor=actor, facility=f, label="Chambre 9"))
        ),
    ),
    (
        "unit_update",
        NOT_MANAGING_THE_CHRS,
        lambda w: (
            (u := UnitFactory(facility=_chrs(w)))
            and (lambda actor: offer_services.unit_update(actor=actor, unit=u, version=u.version, label="Y"))
        ),
    ),
    (
        "vacancy_declare",
        NOT_MANAGING_THE_CHRS,
        lambda w: (
            (u := UnitFactory(facility=_chrs(w)))
            and (
                lambda actor: offer_services.vacancy_declare(
                    actor=actor, unit=u, available_from=timezone.localdate()
                )
            )
        ),
    ),
    (
        "vacancy_withdraw",
        NOT_MANAGING_THE_CHRS,
        lambda w: (
            (v := VacancyFactory(unit=UnitFactory(facility=_chrs(w))))
            and (lambda actor: offer_services.vacancy_withdraw(actor=actor, vacancy=v))
        ),
    ),
    (
        "call_record",
        NOT_THE_115,
        lambda w: lambda actor: emergency_services.call_record(actor=actor),
    ),
    (
        "call_take",
        NOT_THE_115,
        lambda w: (
            lambda actor: emergency_services.call_take(
                actor=actor,
                night=current_night(),
                persons=1,
                flash=emergency_services.FlashData("Awa", "Diallo"),
            )
        ),
    ),
    (
        "flash_household",
        NOT_THE_115,
        lambda w: (
            lambda actor: emergency_services.flash_household(
                actor=actor, first_name="Awa", last_name="Diallo"
            )
        ),
    ),
    (
        "request_create",
        NOT_THE_115,
        lambda w: (
            lambda actor: emergency_services.request_create(actor=actor, night=current_night(), persons=1)
        ),
    ),
    (
        "request_create_for_a_household",
        NOT_THE_115,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: emergency_services.request_create(
                    actor=actor, night=current_night(), household=h
                )
            )
        ),
    ),
    (
        "request_set_priority",
        NOT_THE_115,
        lambda w: (
            (r := EmergencyRequestFactory(household=_household(w)))
            and (
                lambda actor: emergency_services.request_set_priority(
                    actor=actor, request=r, version=r.version, priority="P1", reason="Froid"
                )
            )
        ),
    ),
    (
        "allocate",
        NOT_THE_115,
        lambda w: (
            (r := EmergencyRequestFactory(household=_household(w)))
            and (u := make_emergency_facility(organization=w.association)[1][0])
            and (lambda actor: emergency_services.allocate(actor=actor, request=r, unit=u))
        ),
    ),
    (
        "unmet_record",
        NOT_THE_115,
        lambda w: (
            (r := EmergencyRequestFactory(household=_household(w)))
            and (lambda actor: emergency_services.unmet_record(actor=actor, request=r, reason="no_place"))
        ),
    ),
    (
        "request_cancel",
        NOT_THE_115,
        lambda w: (
            (r := EmergencyRequestFactory(household=_household(w)))
            and (lambda actor: emergency_services.request_cancel(actor=actor, request=r))
        ),
    ),
    *[
        (
            f"allocation_{name}",
            NOT_THE_115,
            lambda w, call=call: (
                (
                    a := NightAllocationFactory(
                        request__household=_household(w), request__caller_phone="0611223344"
                    )
                )
                and (lambda actor: call(actor, a))
            ),
        )
        for name, call in [
            ("cancel", lambda actor, a: emergency_services.allocation_cancel(actor=actor, allocation=a)),
            ("no_show", lambda actor, a: emergency_services.allocation_no_show(actor=actor, allocation=a)),
            (
                "extend",
                lambda actor, a: emergency_services.allocation_extend(actor=actor, allocation=a, nights=1),
            ),
            ("send_sms", lambda actor, a: emergency_services.allocation_send_sms(actor=actor, allocation=a)),
        ]
    ],
    (
        "places_declare",
        NOT_MANAGING_THE_CHRS,  # the same managers for the association's CHU
        lambda w: (
            (made := make_emergency_facility(organization=w.association))
            and (
                lambda actor: emergency_services.places_declare(
                    actor=actor, facility=made[0], night=current_night(), units=made[1]
                )
            )
        ),
    ),
    (
        "organization_create",
        NOT_ADMIN,
        lambda w: (
            lambda actor: account_services.organization_create(
                actor=actor, name="Nouvelle", type=OrganizationType.ASSOCIATION, territory="93"
            )
        ),
    ),
    (
        "organization_update",
        NOT_ADMIN,
        lambda w: (
            lambda actor: account_services.organization_update(
                actor=actor, organization=w.partner, version=w.partner.version, name="Renommée"
            )
        ),
    ),
    (
        "membership_grant",
        NOT_ADMIN,
        lambda w: (
            lambda actor: account_services.membership_grant(
                actor=actor, user=w.other_worker, organization=w.partner, role=Role.FACILITY_MANAGER
            )
        ),
    ),
    (
        "membership_revoke",
        NOT_ADMIN,
        lambda w: (
            lambda actor: account_services.membership_revoke(
                actor=actor, membership=w.other_worker.active_membership
            )
        ),
    ),
    (
        "membership_approve",
        NOT_ADMIN,  # and the administrator who asked is told another one decides (a ValidationError)
        lambda w: (
            (m := MembershipFactory(user=w.users[ADMIN], organization=w.partner, role=SW, active=False))
            and Membership.objects.filter(pk=m.pk).update(approval="pending", requested_by=w.users[ADMIN])
            >= 0
            and (
                lambda actor: account_services.membership_approve(
                    actor=actor, membership=Membership.objects.get(pk=m.pk)
                )
            )
        ),
    ),
    (
        "user_create",
        NOT_ADMIN,
        lambda w: (
            lambda actor: account_services.user_create(
                actor=actor, username="nouvelle", password="Un-mot-de-passe-tres-long-93"
            )
        ),
    ),
    (
        "user_invite",
        NOT_ADMIN,
        lambda w: (
            lambda actor: account_services.user_invite(
                actor=actor,
                organization=w.partner,
                role=SW,
                username="invitee",
                email="invitee@example.org",
                first_name="In",
                last_name="Vitée",
            )
        ),
    ),
    (
        "user_set_active",
        NOT_ADMIN,
        lambda w: (
            lambda actor: account_services.user_set_active(actor=actor, user=w.other_worker, active=False)
        ),
    ),
    (
        "two_factor_reset",
        NOT_ADMIN,
        lambda w: lambda actor: account_services.two_factor_reset(actor=actor, user=w.other_worker),
    ),
    *[
        (
            f"portal_{name}",
            NOT_THE_REFERENT_WORKER,
            lambda w, act=act: (
                (h := _household(w, referent=w.users[SW]))
                and (
                    a := portal_services.invite(
                        actor=w.users[SW], household=h, person=h.head, phone="+33612345678"
                    )[0]
                )
                and (lambda actor: act(actor, h, a))
            ),
        )
        for name, act in [
            (
                "invite",
                lambda actor, h, a: portal_services.invite(actor=actor, household=h, person=h.head, phone=""),
            ),
            ("printed_code", lambda actor, h, a: portal_services.printed_code(actor=actor, access=a)),
            ("revoke", lambda actor, h, a: portal_services.revoke(actor=actor, access=a)),
            (
                "protect",
                lambda actor, h, a: portal_services.set_protection(
                    actor=actor, person=h.head, protected=True
                ),
            ),
            (
                "consent_offer",
                lambda actor, h, a: portal_services.consent_offer(
                    actor=actor, household=h, organization=a.organization, purpose="support"
                ),
            ),
        ]
    ],
    (
        "portal_feedback_handle",
        NOT_ADMIN,
        lambda w: (
            (h := _household(w, referent=w.users[SW]))
            and (
                f := portal_services.feedback_submit(
                    access=portal_services.invite(
                        actor=w.users[SW], household=h, person=h.head, phone="+33612345678"
                    )[0],
                    kind="suggestion",
                    text="Merci",
                    anonymous=True,
                )
            )
            and (lambda actor: portal_services.feedback_handle(actor=actor, feedback=f))
        ),
    ),
    (
        "token_create_for_someone_else",
        tuple(r for r in EVERYONE if r != OTHER),
        lambda w: (
            lambda actor: account_services.token_create(
                actor=actor, membership=w.other_worker.active_membership, name="script"
            )
        ),
    ),
    (
        "token_revoke_someone_elses",
        tuple(r for r in EVERYONE if r != OTHER),
        lambda w: (
            (
                t := account_services.token_create(
                    actor=None, membership=w.other_worker.active_membership, name="script"
                )[0]
            )
            and (
                lambda actor: account_services.token_revoke(actor=actor, token=ApiToken.objects.get(pk=t.pk))
            )
        ),
    ),
]


def _appointment(world):
    household = _household(world)
    return support_services.appointment_book(
        actor=world.users[SW],
        household=household,
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="Bureau",
        purpose="Point",
    )


CASES += [
    (
        "appointment_book",
        NOT_THE_REFERENT_WORKERS,
        lambda w: (
            (h := _household(w))
            and (
                lambda actor: support_services.appointment_book(
                    actor=actor,
                    household=h,
                    starts_at=timezone.now() + dt.timedelta(days=2),
                    place="Bureau",
                    purpose="Point",
                )
            )
        ),
    ),
    (
        "appointment_move",
        NOT_THE_REFERENT_WORKERS,
        lambda w: (
            (a := _appointment(w))
            and (
                lambda actor: support_services.appointment_move(
                    actor=actor, appointment=a, starts_at=timezone.now() + dt.timedelta(days=3)
                )
            )
        ),
    ),
    (
        "appointment_cancel",
        NOT_THE_REFERENT_WORKERS,
        lambda w: (
            (a := _appointment(w))
            and (lambda actor: support_services.appointment_cancel(actor=actor, appointment=a))
        ),
    ),
    (
        "appointment_mark",
        NOT_THE_REFERENT_WORKERS,
        lambda w: (
            (a := _appointment(w))
            and (lambda actor: support_services.appointment_mark(actor=actor, appointment=a, kept=True))
        ),
    ),
    (
        "notification_preferences",
        NOT_THE_REFERENT_WORKERS,
        lambda w: (
            (access := PortalAccessFactory(household=_household(w), invited_by=w.users[SW]))
            and (
                lambda actor: notification_services.set_preferences(
                    access=access, enabled=["new_proposal"], actor=actor, person_present=True
                )
            )
        ),
    ),
]


def _actor(world, role):
    return world.other_worker if role == OTHER else world.users[role]


@pytest.mark.parametrize(("refused", "setup"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_service_refuses_each_role_that_may_not_and_writes_nothing(role_network, refused, setup):
    act = setup(role_network)
    before = snapshot()
    for role in refused:
        with pytest.raises(errors.Forbidden) as refusal:
            act(_actor(role_network, role))
        assert refusal.value.code == "forbidden" and refusal.value.message, role
        assert snapshot() == before, f"{role} changed the database"


def test_every_refusal_is_a_permission_denied_for_the_pages_and_a_403_for_the_api():
    from django.core.exceptions import PermissionDenied

    refusal = errors.Forbidden("Votre rôle ne permet pas cette action.")
    assert isinstance(refusal, PermissionDenied) and refusal.http_status == 403


def test_an_allowed_actor_goes_through(role_network):
    """The rule is not a wall: the referent worker edits, the SIAO asks for a place, the manager
    declares a vacancy, the administrator renames an organization."""
    world = role_network
    household = _household(world)
    household_services.money_lines_update(
        actor=world.users[SW], household=household, version=household.version, lines=[]
    )
    emergency_services.request_create(actor=world.users[CH], night=current_night(), persons=1)
    unit = UnitFactory(facility=_chrs(world))
    offer_services.vacancy_declare(actor=world.users[FM], unit=unit, available_from=timezone.localdate())
    account_services.organization_update(
        actor=world.users[ADMIN], organization=world.partner, version=world.partner.version, name="Renommée"
    )
    world.partner.refresh_from_db()
    assert world.partner.name == "Renommée"
