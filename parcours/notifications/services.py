"""Sending a notification to a person, and changing what they agreed to receive.

`notify(access, kind, text, *, ref)` is the one entry point for every domain (orientation, support,
documents…): it checks the access is usable, the person opted in for that kind and has a phone, then
hands the SMS to the outbox (sent after the commit, retried, logged: core/outbox.py). The same
(access, kind, ref) is sent once: a rerun of a daily job sends nothing new.

Texts are written in plain French (FALC) and never carry a sensitive detail: they say there is news in
« Mon espace » (see texts.py).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.core import audit, outbox
from parcours.core.errors import require
from parcours.portal.models import PortalAccess

from . import perms
from .audit_actions import NotificationsAuditAction as A
from .kinds import NotificationKind
from .models import Notification, NotificationPreference


def purpose(kind: str) -> str:
    """The outbox purpose code of a kind: `notifications.<kind>`."""
    return f"notifications.{kind}"


def enabled_kinds(access) -> set[str]:
    return set(
        NotificationPreference.objects.filter(access=access, enabled=True).values_list("kind", flat=True)
    )


def notify(access, kind: str, text: str, *, ref: str) -> Notification | None:
    """Text the person of `access` about `ref` if they chose to receive this kind of message; once per
    (access, kind, ref). Returns the notification, or None when nothing is sent (no opt-in, no phone,
    access revoked or file closed, already sent)."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    access = PortalAccess.objects.usable().filter(pk=access.pk).first()
    if access is None or not access.phone:
        return None
    if not NotificationPreference.objects.filter(access=access, kind=kind, enabled=True).exists():
        return None
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = Notification.objects.create(access=access, kind=kind, ref=str(ref)[:80])
        except IntegrityError:
            return None  # already sent about this (a rerun, or two runs at once)
        delivery = outbox.send_sms(to=access.phone, text=text, purpose=purpose(kind), ref=notification.pk)
        Notification.objects.filter(pk=notification.pk).update(delivery=delivery)
        notification.delivery = delivery
        audit.record_write(actor=None, action=A.SEND, obj=access, fields=[kind])
    return notification


def notify_household(household_id: int, kind: str, text: str, *, ref: str, person_id=None) -> int:
    """`notify` every usable access of the household (only `person_id`'s when given); how many sent."""
    accesses = PortalAccess.objects.usable().filter(household_id=household_id).order_by("pk")
    if person_id is not None:
        accesses = accesses.filter(person_id=person_id)
    return sum(1 for access in accesses if notify(access, kind, text, ref=ref) is not None)


@transaction.atomic
def set_preferences(*, access, enabled, actor=None, person_present: bool = False) -> set[str]:
    """Record the kinds of message the person wants (the others are off). From « Mon espace » the
    person acts (`actor` None); a worker types the choices in only with the person present."""
    if actor is not None:
        require(
            perms.can_manage_preferences(actor, access),
            _("Seuls les travailleurs sociaux qui suivent ce ménage changent ses choix."),
        )
        if not person_present:
            raise ValidationError(
                {"person_present": _("La personne choisit elle-même : cochez qu'elle est présente.")}
            )
    wanted = {str(k) for k in enabled}
    unknown = wanted - set(NotificationKind.values)
    if unknown:
        raise ValidationError({"kinds": _("Type de message inconnu.")})
    now = timezone.now()
    changed = []
    current = {p.kind: p for p in NotificationPreference.objects.select_for_update().filter(access=access)}
    for kind in NotificationKind.values:
        on = kind in wanted
        row = current.get(kind)
        if row is None:
            if on:
                NotificationPreference.objects.create(
                    access=access, kind=kind, enabled=True, changed_by=actor, changed_at=now
                )
                changed.append(kind)
        elif row.enabled != on:
            NotificationPreference.objects.filter(pk=row.pk).update(
                enabled=on, changed_by=actor, changed_at=now
            )
            changed.append(kind)
    if changed:
        audit.record_write(actor=actor, action=A.PREFERENCES, obj=access, fields=changed)
    return wanted


@transaction.atomic
def failure_seen(*, actor, notification: Notification) -> None:
    """The referent saw that an SMS did not reach the person (and will check the number)."""
    from .querysets import failures_for

    require(
        failures_for(actor).filter(pk=notification.pk).exists(),
        _("Cet envoi ne concerne pas un ménage que vous suivez."),
    )
    Notification.objects.filter(pk=notification.pk).update(
        failure_seen_at=timezone.now(), failure_seen_by=actor
    )
    audit.record_write(
        actor=actor, action=A.FAILURE_SEEN, obj=notification.access, fields=["failure_seen_at"]
    )


def mark_failed(ref: str) -> None:
    """The outbox gave up this notification's SMS (core.outbox.on_failed hook)."""
    try:
        pk = int(ref)
    except (TypeError, ValueError):
        return
    Notification.objects.filter(pk=pk, failed_at__isnull=True).update(failed_at=timezone.now())
