"""Continuity mode of the 115 (docs/continuite.md): replaying the calls a handler's browser noted while
the server could not be reached.

A replayed call goes through the same services as a call taken online (`call_take`, then `allocate`
for the place chosen provisionally from the last board seen). Two promises:

- **never twice**: each call carries the id its browser gave it (`client_id`, unique in the
  database); the same call sent twice, even at the same instant, is recorded once and the second
  sending answers « already » with what the first recorded;
- **never a double booking**: the provisional place is booked by `allocate`, under the constraint
  of ADR 0008; when it was taken meanwhile (or is no longer offered), nothing is booked, the request
  stays open and becomes a task on the 115 team's home page (`replay_task`).
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.accounts.models import User
from parcours.core import audit, offline
from parcours.offers.models import Unit

from . import services
from .audit_actions import EmergencyAction
from .choices import CallOutcome
from .errors import Conflict, PlaceTaken
from .models import EmergencyCall, EmergencyRequest, NightAllocation

# What a browser keeps of a call noted offline is wiped after this time (core/offline.py); a call
# older than that is not replayed: it is entered again by hand (paper fallback).
KEEP_HOURS = offline.KEEP_HOURS
# A browser's clock may be a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)

# Why a provisional place could not be booked at the replay (EmergencyRequest.replay_task).
TASK_PLACE_TAKEN = "place_taken"
TASK_PLACE_REFUSED = "place_refused"


def task_label(code: str) -> str:
    return {
        TASK_PLACE_TAKEN: _("Appel hors ligne à reprendre : place prise entre-temps"),
        TASK_PLACE_REFUSED: _("Appel hors ligne à reprendre : la place choisie n'est plus proposée"),
    }.get(code, _("Appel hors ligne à reprendre"))


@dataclass
class Replayed:
    """What a replay did: `status` is « recorded » (the call, and its request if any), « allocated »
    (the provisional place is booked), « task » (the place could not be booked: the request waits,
    a task for the team) or « already » (this call had been replayed before: nothing new)."""

    call: EmergencyCall
    request: EmergencyRequest | None
    allocation: NightAllocation | None
    status: str
    message: str


def _already(actor: User, client_id: uuid.UUID) -> Replayed | None:
    call = EmergencyCall.objects.filter(client_id=client_id).first()
    if call is None:
        return None
    if call.handler_id != actor.pk:
        # Another handler's call (a browser shared between two sessions): not theirs to read.
        raise Conflict(_("Cet appel a déjà été envoyé depuis une autre session."))
    request = call.requests.order_by("pk").first()
    allocation = request.allocations.booked().filter(night=request.night).first() if request else None
    return Replayed(
        call=call,
        request=request,
        allocation=allocation,
        status="already",
        message=_("Cet appel avait déjà été envoyé : il n'est pas enregistré une seconde fois."),
    )


def _check_time(recorded_at: datetime) -> None:
    now = timezone.now()
    if recorded_at > now + CLOCK_SKEW:
        raise ValidationError({"recorded_at": _("L'heure de l'appel est dans le futur.")})
    if recorded_at < now - timedelta(hours=KEEP_HOURS):
        raise ValidationError(
            {
                "recorded_at": _(
                    "Appel noté hors ligne il y a plus de %(h)s heures : "
                    "saisissez-le à nouveau (procédure papier)."
                )
                % {"h": KEEP_HOURS}
            }
        )


def replay_call(
    *,
    actor: User,
    client_id: uuid.UUID,
    recorded_at: datetime,
    outcome: str = CallOutcome.REQUEST,
    night: date | None = None,
    persons: int | None = None,
    children: int | None = None,
    women_only: bool = False,
    facts=(),
    priority: str | None = None,
    priority_reason: str = "",
    caller_name: str = "",
    caller_phone: str = "",
    note: str = "",
    unit: Unit | None = None,
) -> Replayed:
    """Record a call noted offline, once, then book its provisional place if it is still free.

    Two transactions, not one: the call and its request are committed first, then `allocate` books
    the place in its own, like a handler clicking « Attribuer » after taking the call. Booking in the
    call's transaction would hold the audit head (taken by the call's audit row) while waiting for a
    concurrent booking of the same unit, which itself waits for the audit head: a deadlock (ADR 0008
    takes the audit head last for this reason)."""
    services._team_only(actor)
    done = _already(actor, client_id)
    if done is not None:
        return done
    _check_time(recorded_at)
    if outcome == CallOutcome.REQUEST and night is None:
        raise ValidationError({"night": _("Indiquez la nuit demandée.")})
    request_data = {}
    if outcome == CallOutcome.REQUEST:
        request_data = {
            "night": night,
            "persons": persons,
            "children": children,
            "women_only": women_only,
            "facts": facts,
            "priority": priority or None,
            "priority_reason": priority_reason,
            "caller_name": caller_name,
        }
    try:
        # The same client_id sent at the same instant by a second connection waits for the first
        # one's commit, then hits the unique constraint; it answers « already ».
        with transaction.atomic():
            call, request = services.call_take(
                actor=actor,
                outcome=outcome,
                caller_phone=caller_phone,
                note=note,
                client_id=client_id,
                received_at=recorded_at,
                **request_data,
            )
    except IntegrityError:
        done = _already(actor, client_id)
        if done is None:
            raise
        return done
    if request is None:
        return Replayed(call, None, None, "recorded", _("Appel enregistré."))
    if unit is None:
        return Replayed(call, request, None, "recorded", _("Appel et demande enregistrés."))
    try:
        # A refused booking rolls back only the booking: the call and request stay recorded.
        allocation = services.allocate(actor=actor, request=request, unit=unit)
    except PlaceTaken:
        return _task(actor, request, unit, TASK_PLACE_TAKEN)
    except (Conflict, ValidationError):
        return _task(actor, request, unit, TASK_PLACE_REFUSED)
    return Replayed(
        call,
        request,
        allocation,
        "allocated",
        _("Appel enregistré ; la place provisoire est confirmée."),
    )


@transaction.atomic
def _task(actor: User, request: EmergencyRequest, unit: Unit, code: str) -> Replayed:
    EmergencyRequest.objects.filter(pk=request.pk).update(
        provisional_unit=unit, replay_task=code, updated_at=timezone.now()
    )
    request.provisional_unit, request.replay_task = unit, code
    audit.record_write(
        actor=actor,
        action=EmergencyAction.REPLAY_TASK,
        obj=request,
        fields=["provisional_unit", "replay_task"],
    )
    return Replayed(
        request.call,
        request,
        None,
        "task",
        _("%(task)s. La demande attend une place : elle est dans la liste « Appels hors ligne à reprendre ».")
        % {"task": task_label(code)},
    )
