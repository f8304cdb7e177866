"""The one place that sends e-mails and SMS: after the commit, on the task queue, retried, logged.

`send_email(...)` and `send_sms(...)` write a `Delivery` row in the caller's transaction and hand it
to the task queue (django-tasks) with `transaction.on_commit`: a rolled-back transaction sends
nothing, and no mail server or SMS provider is ever waited for while rows are locked. The worker
(`parcours db-worker`) runs `deliver`: one try, its answer in the delivery log (`DeliveryAttempt`),
and on failure a new try after a growing delay (PARCOURS_OUTBOX_RETRY_SECONDS × 2ⁿ), up to
PARCOURS_OUTBOX_MAX_ATTEMPTS tries. The message waits in `Delivery.payload` and is erased as soon as
it is sent or given up: the log keeps a masked recipient, a purpose code and the provider's answers,
never a body (docs/adr/0012-taches-en-arriere-plan.md).

An app that needs to know when its message left registers a hook for its purpose code:
`@outbox.on_sent("emergency.address_sms")` receives the `ref` given to `send_sms`; one that needs to
know when the outbox gave a message up (every try failed) registers `@outbox.on_failed(purpose)`,
which receives the same `ref` (a prefix ending in "." covers every purpose under it).
"""

import datetime as dt
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from . import compiled, sms
from .models import Delivery, DeliveryAttempt, DeliveryKind, DeliveryStatus

logger = logging.getLogger(__name__)

_SENT_HOOKS: dict[str, Callable[[str], None]] = {}
_FAILED_HOOKS: dict[str, Callable[[str], None]] = {}


def on_sent(purpose: str):
    """Register `hook(ref)`, called in the worker's transaction once a message of `purpose` is sent."""

    def register(hook: Callable[[str], None]) -> Callable[[str], None]:
        _SENT_HOOKS[purpose] = hook
        return hook

    return register


def on_failed(purpose: str):
    """Register `hook(ref)`, called in the worker's transaction once a message of `purpose` is given up
    after its last try. `purpose` may end with "." to cover every purpose that starts with it."""

    def register(hook: Callable[[str], None]) -> Callable[[str], None]:
        _FAILED_HOOKS[purpose] = hook
        return hook

    return register


def _failed_hook(purpose: str) -> Callable[[str], None] | None:
    if purpose in _FAILED_HOOKS:
        return _FAILED_HOOKS[purpose]
    for prefix, hook in _FAILED_HOOKS.items():
        if prefix.endswith(".") and purpose.startswith(prefix):
            return hook
    return None


# -- Enqueueing ------------------------------------------------------------------------------------


def send_email(
    *, to: list[str] | tuple[str, ...], subject: str, body: str, purpose: str, from_email: str | None = None
) -> Delivery | None:
    """Send an e-mail to these addresses (one message, as send_mail would) once the transaction
    commits. `purpose` is a short code naming why (the delivery log shows it, never the body)."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    payload = {"to": recipients, "subject": subject, "body": body, "from": from_email}
    return _enqueue(DeliveryKind.EMAIL, purpose, ", ".join(mask_email(a) for a in recipients), payload, "")


def send_sms(*, to: str, text: str, purpose: str, ref: str | int = "") -> Delivery:
    """Text this number once the transaction commits; `ref` is handed to the purpose's on_sent hook."""
    return _enqueue(DeliveryKind.SMS, purpose, mask_phone(to), {"to": to, "text": text}, str(ref))


def _enqueue(kind: str, purpose: str, recipient: str, payload: dict, ref: str) -> Delivery:
    delivery = Delivery.objects.create(
        kind=kind, purpose=purpose, recipient=recipient[:255], payload=payload, ref=ref
    )
    transaction.on_commit(lambda: deliver.enqueue(delivery.pk))
    return delivery


# -- Delivering (in the worker) --------------------------------------------------------------------


@task()
def deliver(delivery_id: int) -> str:
    """One try at sending a delivery. Never raises for a provider's failure: the delivery log says it,
    and a new try is queued while tries remain."""
    now = timezone.now()
    # Claim it (only one worker sends it, even if the task were run twice), outside any long lock.
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=(DeliveryStatus.QUEUED, DeliveryStatus.RETRIED), payload__isnull=False
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    payload = delivery.payload
    try:
        answer = _send(delivery.kind, payload)
    except Exception as exc:  # noqa: BLE001  (any failure of the provider is logged and retried)
        return _failed(delivery, scrub(f"{type(exc).__name__}: {exc}", payload))
    _finish(delivery, DeliveryStatus.SENT, scrub(answer, payload), sent_at=timezone.now())
    hook = _SENT_HOOKS.get(delivery.purpose)
    if hook is not None:
        try:
            with transaction.atomic():
                hook(delivery.ref)
        except Exception:  # the message left and the log says so; the stamp is a courtesy
            logger.exception("After-sending hook of delivery %s (%s) failed", delivery.pk, delivery.purpose)
    return DeliveryStatus.SENT


def _send(kind: str, payload: dict) -> str:
    if kind == DeliveryKind.SMS:
        return sms.send_sms(to=payload["to"], text=payload["text"]) or ""
    message = EmailMessage(payload["subject"], payload["body"], payload.get("from") or None, payload["to"])
    count = message.send()
    return f"accepté par le serveur de messagerie ({count})"


def _failed(delivery: Delivery, answer: str) -> str:
    if delivery.attempts < max_attempts():
        delay = dt.timedelta(seconds=min(retry_seconds() * 2 ** (delivery.attempts - 1), MAX_RETRY_DELAY))
        next_at = timezone.now() + delay
        _finish(delivery, DeliveryStatus.RETRIED, answer, next_attempt_at=next_at)
        retry = deliver
        if retry.get_backend().supports_defer:
            retry = deliver.using(run_after=next_at)
        retry.enqueue(delivery.pk)
        return DeliveryStatus.RETRIED
    logger.warning(
        "Delivery %s (%s) given up after %s tries", delivery.pk, delivery.purpose, delivery.attempts
    )
    _finish(delivery, DeliveryStatus.FAILED, answer)
    hook = _failed_hook(delivery.purpose)
    if hook is not None:
        try:
            with transaction.atomic():
                hook(delivery.ref)
        except Exception:  # the log says it was given up; the hook's notice is a courtesy
            logger.exception("Failure hook of delivery %s (%s) failed", delivery.pk, delivery.purpose)
    return DeliveryStatus.FAILED


def _finish(delivery: Delivery, status: str, answer: str, **changes) -> None:
    final = status in (DeliveryStatus.SENT, DeliveryStatus.FAILED)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery, number=delivery.attempts, status=status, answer=answer
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status,
            answer=answer,
            updated_at=timezone.now(),
            # The message is not kept once it left or was given up.
            **({"payload": None, "next_attempt_at": None} if final else {}),
            **changes,
        )


MAX_RETRY_DELAY = 6 * 3600  # seconds: however many tries are allowed, one waits six hours at most


def max_attempts() -> int:
    return max(1, int(getattr(settings, "PARCOURS_OUTBOX_MAX_ATTEMPTS", 5)))


def retry_seconds() -> int:
    return max(0, int(getattr(settings, "PARCOURS_OUTBOX_RETRY_SECONDS", 60)))


# -- Masking -------------------------------------------------------------------------------------


def mask_email(address: str) -> str:
    """jean.dupont@exemple.fr → j***@exemple.fr"""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(number: str) -> str:
    """06 12 34 56 78 → 06******78"""
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if len(digits) < 6:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def scrub(answer: str, payload: dict) -> str:
    """The provider's answer without the recipient in clear nor the message, on one short line."""
    text = " ".join(str(answer).split())
    recipients = payload.get("to") or []
    for value in [recipients] if isinstance(recipients, str) else recipients:
        if value:
            masked = mask_phone(value) if "@" not in value else mask_email(value)
            text = text.replace(value, masked)
    for key in ("text", "body", "subject"):
        value = payload.get(key)
        if value and len(value) > 3:
            text = text.replace(" ".join(value.split()), "[message]")
    # A number the provider writes its own way (33612345678) is masked too.
    text = _LONG_NUMBER.sub(lambda m: mask_phone(m.group()), text)
    return text[:500]


_LONG_NUMBER = re.compile(r"\+?\d{8,}")


def last_status(purpose: str, refs) -> dict[str, str]:
    """ref → the state of the latest message of this purpose sent about it (for pages to show). Its SQL
    compiled once per purpose and process, the refs one array parameter on PostgreSQL (core.compiled;
    issue 18: building and compiling this query was a tenth of a 115 request's page after a booking)."""
    refs = [str(r) for r in refs]
    if not refs:
        return {}  # no query: the ORM's empty `in` matched nothing
    rows = compiled.rows_of(
        ("outbox_last_status", purpose),
        lambda refs: (
            Delivery.objects.filter(purpose=purpose, ref__any_of=refs)
            .order_by("created_at", "pk")
            .values_list("ref", "status")
        ),
        refs=refs,
    )
    return dict(rows)  # the latest of each ref last: it wins


def abandon(purpose: str, refs, reason: str) -> int:
    """Give up the messages of this purpose about these refs not sent yet, and erase them (a 115 SMS
    for a night that is closed: its number must not outlive the night). Returns how many."""
    return Delivery.objects.filter(
        purpose=purpose,
        ref__in=[str(r) for r in refs],
        status__in=(DeliveryStatus.QUEUED, DeliveryStatus.RETRIED),
    ).update(
        status=DeliveryStatus.FAILED,
        answer=reason[:500],
        payload=None,
        next_attempt_at=None,
        updated_at=timezone.now(),
    )


def pending_refs(purpose: str) -> list[str]:
    """The refs of the messages of this purpose still waiting to be sent."""
    return list(
        Delivery.objects.filter(
            purpose=purpose, status__in=(DeliveryStatus.QUEUED, DeliveryStatus.RETRIED)
        ).values_list("ref", flat=True)
    )
