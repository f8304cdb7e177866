"""Writes of the 115: calls, requests, allocations, unmet demand, declarations, SMS, the night's close.

Each write runs in one transaction and ends with its audit row (the audit head lock is taken last,
so that it is held as briefly as possible). Allocation relies on the database: the conditional
unique constraint on unit × night refuses a second booking under any concurrency.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.access import acting_user
from parcours.accounts.models import User
from parcours.core import audit, outbox, workflow
from parcours.core.errors import require
from parcours.core.versioning import StaleVersionError
from parcours.households import services as household_services
from parcours.households.choices import Situation
from parcours.offers.choices import EMERGENCY_KINDS
from parcours.offers.models import Facility, Unit
from parcours.territories.models import Territory

from . import perms
from . import priority as priority_rules
from .audit_actions import EmergencyAction
from .choices import AllocationStatus, CallOutcome, Fact, Priority, RequestStatus, UnmetReason
from .errors import Conflict, PlaceTaken
from .models import (
    EmergencyCall,
    EmergencyRequest,
    NightAllocation,
    NightFigures,
    PlacesDeclaration,
    UnmetDemand,
)
from .nights import MAX_NIGHTS_AHEAD, current_night, is_closed

# The values of the choices a call is checked against, listed once (each `.values` builds its list
# again from the enumeration).
_OUTCOMES = frozenset(CallOutcome.values)
_FACTS = frozenset(Fact.values)
_PRIORITIES = frozenset(Priority.values)


def place_taken_message() -> str:
    return _(
        "Cette place vient d'être attribuée par quelqu'un d'autre pour cette nuit : choisissez-en une autre."
    )


# The refusals of the 115's services (ADR 0016): the same sentences on pages and in the API. The
# sentence is translated only for a refusal (issue 18: a call saved asks these rules five times).
def _team_only(actor: User | None, allowed: bool | None = None) -> None:
    """The 115 team (perms.can_use_115), or for a named object the team of its département."""
    allowed = perms.can_use_115(actor) if allowed is None else allowed
    if not allowed:
        require(allowed, _("Le 115 est réservé aux écoutant·es et à la coordination SIAO."))


def _may_ask_for(actor: User, household) -> None:
    _team_only(actor, perms.can_use_115(actor) or perms.can_create_request(actor, household))
    if household is not None and not perms.can_create_request(actor, household):
        require(False, _("Votre rôle ne permet pas de faire une demande pour ce ménage."))


def _actor_territory(actor) -> Territory:
    membership = getattr(actor, "active_membership", None)
    if membership is None:
        raise ValidationError(_("Aucun rattachement actif."))
    return membership.organization.territory


def _check_night(night: date, field_name: str = "night") -> None:
    if is_closed(night):
        raise ValidationError({field_name: _("Cette nuit est close : choisissez la nuit en cours.")})
    if night > current_night() + timedelta(days=MAX_NIGHTS_AHEAD):
        raise ValidationError({field_name: _("Une demande se fait au plus une semaine à l'avance.")})


def _clean_phone(phone: str) -> str:
    phone = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    if phone and not (8 <= len(phone.lstrip("+")) <= 15):
        raise ValidationError(
            {"caller_phone": _("Ce numéro de téléphone n'a pas le bon nombre de chiffres.")}
        )
    return phone


def _call_record(
    *,
    actor: User,
    outcome: str = CallOutcome.REQUEST,
    household=None,
    caller_phone: str = "",
    note: str = "",
    client_id=None,
    received_at=None,
) -> EmergencyCall:
    """Log a call; the household is optional (an anonymous caller) and can be added by the request.
    A call noted without network (replay.py) brings its browser's `client_id` and time: the unique
    `client_id` refuses a second copy (IntegrityError, which the replay turns into « already »)."""
    _team_only(actor)
    if outcome not in _OUTCOMES:
        raise ValidationError({"outcome": _("Suite d'appel inconnue.")})
    call = EmergencyCall.objects.create(
        territory=_actor_territory(actor),
        handler=actor,
        household=household,
        outcome=outcome,
        caller_phone=_clean_phone(caller_phone),
        note=(note or "").strip()[:1000],
        client_id=client_id,
        recorded_offline=client_id is not None,
        received_at=received_at or timezone.now(),
    )
    audit.record_write(
        actor=actor,
        action=EmergencyAction.CALL_RECORD,
        obj=call,
        fields=["outcome", "household", "caller_phone", *(["note"] if call.note else [])],
    )
    return call


call_record = transaction.atomic(_call_record)


def _flash_household(
    *, actor: User, first_name: str, last_name: str, birth_date=None, sex: str = "X", others=()
):
    """Évaluation flash: a minimal file opened during the call, through the household service (the
    only way a file is created). `others`: MemberData of the other people, if the caller gives them."""
    _team_only(actor)
    head = household_services.MemberData(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        birth_date=birth_date,
        sex=sex,
        relationship="head",
    )
    return household_services.household_create_in_transaction(
        actor=actor,
        members=[head, *others],
        territory=_actor_territory(actor).code,
        situation=Situation.STREET,
    )


flash_household = transaction.atomic(_flash_household)


@dataclass(frozen=True)
class FlashData:
    first_name: str
    last_name: str
    birth_date: date | None = None
    sex: str = "X"


@transaction.atomic
def call_take(
    *,
    actor: User,
    outcome: str = CallOutcome.REQUEST,
    household=None,
    flash: FlashData | None = None,
    caller_phone: str = "",
    note: str = "",
    client_id=None,
    received_at=None,
    **request_data,
) -> tuple[EmergencyCall, EmergencyRequest | None]:
    """One call from the handler's form: the call, an évaluation flash if asked, and the request for a
    place when that is the outcome. All or nothing: one transaction, in which the parts run without a
    savepoint of their own (issue 18: fewer statements per call saved)."""
    actor = acting_user(actor)
    _may_ask_for(actor, household)
    # Its audit rows (the file, the call, the request) in one INSERT at the end (issue 18).
    with audit.one_insert():
        if household is None and flash is not None:
            household = _flash_household(
                actor=actor,
                first_name=flash.first_name,
                last_name=flash.last_name,
                birth_date=flash.birth_date,
                sex=flash.sex,
            )
        call = _call_record(
            actor=actor,
            outcome=outcome,
            household=household,
            caller_phone=caller_phone,
            note=note,
            client_id=client_id,
            received_at=received_at,
        )
        if outcome != CallOutcome.REQUEST:
            return call, None
        request = _request_create(
            actor=actor, household=household, call=call, caller_phone=caller_phone, **request_data
        )
    return call, request


@dataclass(frozen=True)
class Composition:
    persons: int
    children: int
    facts: frozenset = field(default_factory=frozenset)


def household_composition(household, night: date) -> Composition:
    """Persons, minors and the age facts of a known household's current members on that night."""
    members = household.members
    minors = sum(1 for p in members if p.birth_date and priority_rules.age_on(p.birth_date, night) < 18)
    facts = priority_rules.age_facts([p.birth_date for p in members], night)
    return Composition(persons=len(members), children=minors, facts=frozenset(facts))


def _request_create(
    *,
    actor: User,
    night: date,
    persons: int | None = None,
    children: int | None = None,
    household=None,
    call: EmergencyCall | None = None,
    facts: Iterable[str] = (),
    priority: str | None = None,
    priority_reason: str = "",
    caller_phone: str = "",
    women_only: bool = False,
    caller_name: str = "",
    territory: Territory | None = None,
) -> EmergencyRequest:
    """Record a request for a place on `night`. The priority is suggested from the facts ticked and
    the household's members' ages; a different one needs a reason. An anonymous request belongs to
    `territory` when given (where an outreach team met the person), else to the actor's."""
    _may_ask_for(actor, household)
    _check_night(night)
    facts = set(facts)
    unknown = facts - _FACTS
    if unknown:
        raise ValidationError({"facts": _("Éléments inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))}})
    if household is not None:
        known = household_composition(household, night)
        persons = persons or known.persons
        children = known.children if children is None else children
        facts |= known.facts
    if not persons or persons < 1:
        raise ValidationError({"persons": _("Indiquez le nombre de personnes (au moins une).")})
    if persons > 30:
        raise ValidationError({"persons": _("Au plus 30 personnes par demande.")})
    children = children or 0
    if children >= persons:
        raise ValidationError({"children": _("Un ménage compte au moins un adulte.")})
    suggested = priority_rules.suggest(facts)
    priority = priority or suggested
    if priority not in _PRIORITIES:
        raise ValidationError({"priority": _("Priorité inconnue : P1, P2, P3 ou P4.")})
    priority_reason = (priority_reason or "").strip()
    if priority != suggested and not priority_reason:
        raise ValidationError(
            {
                "priority_reason": _("Donnez le motif d'une priorité différente de celle suggérée (%(p)s).")
                % {"p": suggested}
            }
        )
    if household is not None:
        territory = household.territory
    elif territory is None:
        territory = _actor_territory(actor)
    request = EmergencyRequest(
        call=call,
        household=household,
        territory=territory,
        night=night,
        persons=persons,
        children=children,
        women_only=women_only,
        facts=sorted(facts),
        suggested_priority=suggested,
        priority=priority,
        priority_reason=priority_reason if priority != suggested else "",
        caller_phone=_clean_phone(caller_phone),
        caller_name="" if household is not None else (caller_name or "").strip()[:100],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    # No savepoint: every caller runs this in a transaction of its own (request_create, call_take),
    # which the Conflict rolls back whole; the refused INSERT leaves nothing to keep.
    try:
        request.save()
    except IntegrityError as exc:
        raise Conflict(_("Ce ménage a déjà une demande pour cette nuit.")) from exc
    if household is not None and call is not None and call.household_id is None:
        EmergencyCall.objects.filter(pk=call.pk).update(household=household)
    audit.record_write(
        actor=actor,
        action=EmergencyAction.REQUEST_CREATE,
        obj=request,
        fields=["household", "night", "persons", "children", "facts", "priority", "caller_phone"],
    )
    return request


request_create = transaction.atomic(_request_create)


@transaction.atomic
def request_set_priority(
    *, actor: User, request: EmergencyRequest, version: int, priority: str, reason: str = ""
):
    """Override the suggested priority (with a reason), or come back to it."""
    _team_only(actor, perms.can_view_request(actor, request))
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Priorité inconnue : P1, P2, P3 ou P4.")})
    reason = reason.strip()
    if priority != request.suggested_priority and not reason:
        raise ValidationError({"reason": _("Donnez le motif d'une priorité différente de celle suggérée.")})
    updated = EmergencyRequest.objects.filter(
        pk=request.pk, version=version, status=RequestStatus.OPEN
    ).update(
        priority=priority,
        priority_reason=reason if priority != request.suggested_priority else "",
        version=version + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        current = EmergencyRequest.objects.filter(pk=request.pk).values("version", "status").first()
        if current is not None and current["version"] == version:
            raise Conflict(_("Cette demande a déjà reçu une réponse : sa priorité ne change plus."))
        raise StaleVersionError(current["version"] if current else None)
    request.refresh_from_db()
    audit.record_write(actor=actor, action=EmergencyAction.REQUEST_PRIORITY, obj=request, fields=["priority"])
    return request


def _check_unit(unit: Unit, night: date, persons: int) -> None:
    """What the unit itself says (an emergency place, in service, big enough). Whether its facility
    offers it that night is checked by the insert that books it (`_book`)."""
    facility = unit.facility
    if facility.kind not in EMERGENCY_KINDS:
        raise ValidationError(
            {"unit": _("Cette place n'est pas une place d'urgence (CHU, hôtel, halte de nuit).")}
        )
    if not (unit.active and facility.active):
        raise ValidationError({"unit": _("Cette place n'est plus en service.")})
    if unit.capacity < persons:
        raise ValidationError(
            {
                "unit": _("Cette place compte %(c)s places pour %(p)s personnes.")
                % {"c": unit.capacity, "p": persons}
            }
        )


def _book_sql(*, claim: bool = False) -> str:
    """The booking insert (issue 18: one round trip, little Python): a row only when the facility
    offers the unit that night (no declaration for that night, or one naming the unit); the unique
    constraint on unit × night refuses it when the unit is already booked, under any concurrency.
    With `claim` (PostgreSQL), the same statement first claims the request (a conditional update that
    locks its row) and answers (requests claimed, allocation id)."""
    table = NightAllocation._meta.db_table
    declaration = PlacesDeclaration._meta.db_table
    declared_units = PlacesDeclaration.units.through._meta.db_table
    offered = (
        f" WHERE (NOT EXISTS (SELECT 1 FROM {declaration} d WHERE d.facility_id = %s AND d.night = %s)"  # noqa: S608  # nosec B608
        f" OR EXISTS (SELECT 1 FROM {declaration} d JOIN {declared_units} du"
        " ON du.placesdeclaration_id = d.id WHERE d.facility_id = %s AND d.night = %s AND du.unit_id = %s))"
    )
    columns = "(created_at, updated_at, request_id, unit_id, night, status, extension, allocated_by_id)"
    if not claim:
        # Table names from the models, values as parameters.
        return f"INSERT INTO {table} {columns} SELECT %s, %s, %s, %s, %s, %s, %s, %s{offered} RETURNING id"  # noqa: S608  # nosec B608
    requests = EmergencyRequest._meta.db_table
    return (
        f"WITH claimed AS (UPDATE {requests} SET status = %s, updated_at = %s"  # noqa: S608  # nosec B608
        " WHERE id = %s AND status = %s RETURNING id),"
        f" booked AS (INSERT INTO {table} {columns} SELECT %s, %s, claimed.id, %s, %s, %s, %s, %s"
        f" FROM claimed{offered} RETURNING id)"
        " SELECT (SELECT COUNT(*) FROM claimed), (SELECT id FROM booked)"
    )


def _book(
    *, request_id: int, unit: Unit, night: date, actor, extension: bool = False, claim: bool = False
) -> NightAllocation:
    """Book `unit` for `request_id` on `night`. With `claim`, also move the request from open to
    allocated in the same round trip on PostgreSQL (two statements elsewhere): Conflict when it was
    no longer open."""
    allocation = NightAllocation(
        request_id=request_id,
        unit=unit,
        night=night,
        status=AllocationStatus.BOOKED,
        extension=extension,
        allocated_by=actor if actor is not None and actor.is_authenticated else None,
    )
    allocation.created_at = allocation.updated_at = timezone.now()
    ops = connection.ops
    moment, day = ops.adapt_datetimefield_value(allocation.created_at), ops.adapt_datefield_value(night)
    facility_id = unit.facility_id
    values = [unit.pk, day, allocation.status, extension, allocation.allocated_by_id]
    offered = [facility_id, day, facility_id, day, unit.pk]
    in_one = claim and connection.vendor == "postgresql"
    if claim and not in_one:
        _claim(request_id, allocation.created_at)
    # No savepoint: a refused insert aborts the caller's transaction, which PlaceTaken rolls back
    # whole (nothing of this allocation or extension is kept).
    try:
        with connection.cursor() as cursor:
            if in_one:
                claimed_request = [RequestStatus.ALLOCATED, moment, request_id, RequestStatus.OPEN]
                cursor.execute(_book_sql(claim=True), [*claimed_request, moment, moment, *values, *offered])
                claimed, booked = cursor.fetchone()
                if not claimed:
                    _claim(request_id, allocation.created_at)  # says why (the request is answered)
            else:
                cursor.execute(_book_sql(), [moment, moment, request_id, *values, *offered])
                row = cursor.fetchone()
                booked = row[0] if row else None
    except IntegrityError as exc:
        raise PlaceTaken(place_taken_message()) from exc
    if booked is None:
        raise ValidationError({"unit": _("La structure n'a pas déclaré cette place libre pour cette nuit.")})
    allocation.pk = booked
    allocation._state.adding = False
    return allocation


def _claim(request_id: int, now) -> None:
    """Move the request from open to allocated (locking its row), or say it was answered already."""
    claimed = EmergencyRequest.objects.filter(pk=request_id, status=RequestStatus.OPEN).update(
        status=RequestStatus.ALLOCATED, updated_at=now
    )
    if claimed != 1:
        status = EmergencyRequest.objects.filter(pk=request_id).values_list("status", flat=True).first()
        raise Conflict(
            _("Cette demande a déjà reçu une réponse (« %(s)s »).") % {"s": RequestStatus(status).label}
        )


@transaction.atomic
def allocate(*, actor: User, request: EmergencyRequest, unit: Unit) -> NightAllocation:
    """Give `unit` to `request` for its night. PlaceTaken when someone booked the unit first.

    Few round trips, since every allocation holds its locks until the commit: the conditional
    update claims the request (and locks its row: two handlers answering the same request wait for
    each other), the insert claims the unit if its facility offers it that night (the unique
    constraint decides between concurrent handlers), the audit row comes last. Issue 18: on
    PostgreSQL the claim and the insert are one statement, so an allocation is BEGIN, that
    statement, the audit row and COMMIT, with no read before the claim."""
    _team_only(actor, perms.can_view_request(actor, request))
    if is_closed(request.night):
        raise Conflict(_("Cette nuit est close : la demande ne peut plus recevoir de réponse."))
    _check_unit(unit, request.night, request.persons)
    allocation = _book(request_id=request.pk, unit=unit, night=request.night, actor=actor, claim=True)
    request.status = RequestStatus.ALLOCATED
    audit.record_write(
        actor=actor, action=EmergencyAction.ALLOCATION_CREATE, obj=allocation, fields=["unit", "night"]
    )
    return allocation


def _lock_booked(allocation: NightAllocation) -> NightAllocation:
    locked = NightAllocation.objects.select_for_update().select_related("request").get(pk=allocation.pk)
    if locked.status != AllocationStatus.BOOKED:
        raise Conflict(_("Cette nuitée n'est plus attribuée."))
    if is_closed(locked.night):
        raise Conflict(_("Cette nuit est close."))
    return locked


def _end(allocation: NightAllocation, status: str) -> NightAllocation:
    locked = _lock_booked(allocation)
    locked.status = status
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "ended_at", "updated_at"])
    return locked


@transaction.atomic
def allocation_cancel(*, actor: User, allocation: NightAllocation) -> NightAllocation:
    """Give the unit back for that night; the request waits for an answer again."""
    _team_only(actor, perms.can_manage_allocation(actor, allocation))
    ended = _end(allocation, AllocationStatus.CANCELLED)
    request = ended.request
    if (
        ended.night == request.night
        and request.status == RequestStatus.ALLOCATED
        and not request.allocations.booked().filter(night=request.night).exists()
    ):
        workflow.transition(request, RequestStatus.OPEN, actor=actor, action=None)
    audit.record_write(actor=actor, action=EmergencyAction.ALLOCATION_CANCEL, obj=ended, fields=["status"])
    return ended


@transaction.atomic
def allocation_no_show(*, actor: User, allocation: NightAllocation) -> NightAllocation:
    """The household did not come: the unit is free again for another request that night."""
    _team_only(actor, perms.can_manage_allocation(actor, allocation))
    ended = _end(allocation, AllocationStatus.NO_SHOW)
    audit.record_write(actor=actor, action=EmergencyAction.ALLOCATION_NO_SHOW, obj=ended, fields=["status"])
    return ended


# An extension is granted a few nights at a time, then reviewed.
MAX_EXTENSION_NIGHTS = 14


@transaction.atomic
def allocation_extend(*, actor: User, allocation: NightAllocation, nights: int) -> list[NightAllocation]:
    """Keep the household in the same unit for the `nights` following the last night booked. Each
    night is booked now, under the same constraint: if one is taken, nothing is extended."""
    _team_only(actor, perms.can_manage_allocation(actor, allocation))
    if not 1 <= nights <= MAX_EXTENSION_NIGHTS:
        raise ValidationError(
            {"nights": _("Une prolongation compte de 1 à %(n)s nuits.") % {"n": MAX_EXTENSION_NIGHTS}}
        )
    locked = _lock_booked(allocation)
    last = (
        locked.request.allocations.booked()
        .filter(unit_id=locked.unit_id)
        .order_by("-night")
        .values_list("night", flat=True)
        .first()
    )
    unit = Unit.objects.select_related("facility").get(pk=locked.unit_id)
    created = []
    for k in range(1, nights + 1):
        night = last + timedelta(days=k)
        _check_unit(unit, night, locked.request.persons)
        created.append(
            _book(request_id=locked.request_id, unit=unit, night=night, actor=actor, extension=True)
        )
    audit.record_write(actor=actor, action=EmergencyAction.ALLOCATION_EXTEND, obj=locked, fields=["nights"])
    return created


@transaction.atomic
def unmet_record(*, actor: User, request: EmergencyRequest, reason: str) -> UnmetDemand:
    """The request gets no place tonight (DNP), for a coded reason."""
    _team_only(actor, perms.can_view_request(actor, request))
    if reason not in UnmetReason.values:
        raise ValidationError({"reason": _("Motif inconnu : %(r)s.") % {"r": reason}})
    recorded = []

    def record(locked: EmergencyRequest) -> None:
        recorded.append(
            UnmetDemand.objects.create(
                request=locked, reason=reason, recorded_by=actor if actor and actor.is_authenticated else None
            )
        )

    workflow.transition(
        request,
        RequestStatus.UNMET,
        actor=actor,
        action=EmergencyAction.UNMET_RECORD,
        prepare=record,
        audit_fields=["status", "reason"],
    )
    request.status = RequestStatus.UNMET
    return recorded[0]


@transaction.atomic
def request_cancel(*, actor: User, request: EmergencyRequest) -> EmergencyRequest:
    """Withdraw a request recorded by mistake or no longer needed (it stops counting)."""
    _team_only(actor, perms.can_view_request(actor, request))
    workflow.transition(request, RequestStatus.CANCELLED, actor=actor, action=EmergencyAction.REQUEST_CANCEL)
    request.status = RequestStatus.CANCELLED
    return request


@transaction.atomic
def places_declare(
    *, actor: User, facility: Facility, night: date, units: Iterable[Unit]
) -> PlacesDeclaration:
    """A facility says which of its units the 115 may give on `night` (replacing its previous
    declaration for that night). Units already booked that night stay booked."""
    require(
        perms.can_declare_places(actor, facility),
        _("Seul le gestionnaire d'une structure d'urgence déclare ses places libres."),
    )
    _check_night(night)
    units = list(units)
    foreign = [u for u in units if u.facility_id != facility.pk or not u.active]
    if foreign:
        raise ValidationError(
            {"units": _("Ces places ne sont pas des places en service de cette structure.")}
        )
    declaration, _created = PlacesDeclaration.objects.select_for_update().get_or_create(
        facility=facility, night=night, defaults={"declared_by": actor}
    )
    declaration.declared_by = actor if actor is not None and actor.is_authenticated else None
    declaration.declared_at = timezone.now()
    declaration.save(update_fields=["declared_by", "declared_at"])
    declaration.units.set(units)
    audit.record_write(actor=actor, action=EmergencyAction.PLACES_DECLARE, obj=declaration, fields=["units"])
    return declaration


def sms_text(allocation: NightAllocation) -> str:
    """What the person reads on arrival night: the place, its street address, the reception's phone,
    the door code when the facility has one, the arrival times. Never the person's name."""
    unit = allocation.unit
    facility = unit.facility
    address = facility.full_address
    if facility.street_address:
        where = f"{facility.name}, {address}"
    else:
        where = f"{facility.name}, {facility.commune.name}" if facility.commune_id else facility.name
    parts = [
        _("115 : une place vous attend la nuit du %(night)s : %(where)s (%(unit)s).")
        % {"night": allocation.night.strftime("%d/%m"), "where": where, "unit": unit.label}
    ]
    if facility.phone:
        parts.append(_("Tél. %(phone)s.") % {"phone": facility.phone})
    if facility.door_code:
        parts.append(_("Code d'accès : %(code)s.") % {"code": facility.door_code})
    if facility.opening_hours:
        parts.append(" ".join(facility.opening_hours.split()))
    parts.append(_("Présentez ce message à l'accueil."))
    return " ".join(parts)


@transaction.atomic
def allocation_send_sms(*, actor: User, allocation: NightAllocation, phone: str = "") -> NightAllocation:
    """Text the place's address to the caller (the number given for this request or now). The number
    is not logged; it is erased when the night is closed."""
    _team_only(actor, perms.can_manage_allocation(actor, allocation))
    locked = _lock_booked(allocation)
    typed = _clean_phone(phone)
    if typed and typed != locked.request.caller_phone:
        from .perms import can_see_allocated_place

        locked.unit = Unit.objects.select_related("facility").get(pk=locked.unit_id)
        if not can_see_allocated_place(actor, locked, allocation_screen=True):
            # A protected household's place must not be texted to a number anyone may type.
            raise ValidationError(
                {
                    "phone": _(
                        "Ménage protégé : l'adresse ne part qu'au numéro donné lors de l'appel, "
                        "ou par une personne habilitée."
                    )
                }
            )
    phone = typed or locked.request.caller_phone
    if not phone:
        raise ValidationError({"phone": _("Aucun numéro de téléphone pour envoyer le SMS.")})
    unit = Unit.objects.select_related("facility__commune").get(pk=locked.unit_id)
    locked.unit = unit
    # Sent by the worker once this transaction commits; `sms_sent_at` is stamped when the provider
    # has accepted it (mark_sms_sent), and the request page says when it could not be sent.
    outbox.send_sms(to=phone, text=sms_text(locked), purpose=SMS_PURPOSE, ref=locked.pk)
    audit.record_write(actor=actor, action=EmergencyAction.ALLOCATION_SMS, obj=locked, fields=["sms"])
    return locked


SMS_PURPOSE = "emergency.address_sms"


@outbox.on_sent(SMS_PURPOSE)
def mark_sms_sent(ref: str) -> None:
    NightAllocation.objects.filter(pk=int(ref)).update(sms_sent_at=timezone.now(), updated_at=timezone.now())


@dataclass
class RolloverReport:
    nights: list = field(default_factory=list)
    closed_requests: int = 0
    phones_erased: int = 0
    names_erased: int = 0
    extensions_carried: int = 0
    figures: list = field(default_factory=list)


def rollover(*, wet_run: bool, now=None) -> RolloverReport:
    """Close every past night: requests still waiting become unmet (« sans réponse à la clôture »),
    callers' phone numbers, and the first names of callers who opened no file, are erased, the
    extensions booked for the new night are counted as carried, and each closed night's figures are
    stored (NightFigures). Without `wet_run`, the same report is computed and nothing is written."""
    from .figures import night_rows

    tonight = current_night(now)
    report = RolloverReport()
    waiting = EmergencyRequest.objects.filter(night__lt=tonight, status=RequestStatus.OPEN)
    report.closed_requests = waiting.count()
    calls = EmergencyCall.objects.filter(received_at__lt=timezone.now() - timedelta(hours=12)).exclude(
        caller_phone=""
    )
    past = EmergencyRequest.objects.filter(night__lt=tonight)
    phoned = past.exclude(caller_phone="")
    # Minimal collection: the name only said who was waiting tonight; the figures count, never name.
    named = past.exclude(caller_name="")
    report.phones_erased = calls.count() + phoned.count()
    report.names_erased = named.count()
    report.extensions_carried = NightAllocation.objects.booked().filter(night=tonight, extension=True).count()
    known = set(NightFigures.objects.values_list("territory_id", "night"))
    pending = (
        EmergencyRequest.objects.filter(night__lt=tonight)
        .values_list("territory_id", "night")
        .distinct()
        .order_by("night")
    )
    to_close = sorted({(t, n) for t, n in pending} - known, key=lambda tn: (tn[1], tn[0]))
    report.nights = to_close
    if not wet_run:
        return report
    with transaction.atomic():
        now_ = timezone.now()
        closing = list(waiting.select_for_update().values_list("pk", flat=True))
        UnmetDemand.objects.bulk_create(
            [UnmetDemand(request_id=pk, reason=UnmetReason.NIGHT_CLOSED, recorded_at=now_) for pk in closing]
        )
        EmergencyRequest.objects.filter(pk__in=closing).update(status=RequestStatus.UNMET, updated_at=now_)
        calls.update(caller_phone="")
        phoned.update(caller_phone="")
        named.update(caller_name="")
        # An address SMS of a closed night still waiting (provider down, worker stopped) is given up:
        # its number leaves the outbox with the night, as it leaves the request.
        waiting_sms = [int(ref) for ref in outbox.pending_refs(SMS_PURPOSE) if ref.isdigit()]
        outbox.abandon(
            SMS_PURPOSE,
            NightAllocation.objects.filter(pk__in=waiting_sms, night__lt=tonight).values_list(
                "pk", flat=True
            ),
            "abandonné à la clôture de la nuit",
        )
        for territory_id, night in to_close:
            row = night_rows(territory_id, night, night)[0]
            figures = NightFigures(territory_id=territory_id, night=night, closed_at=now_, **row.stored())
            report.figures.append(figures)
        NightFigures.objects.bulk_create(report.figures, ignore_conflicts=True)
        audit.record_write(
            actor=None,
            action=EmergencyAction.ROLLOVER,
            fields=["requests_closed", "phones_erased", "names_erased", "night_figures"],
        )
    return report
