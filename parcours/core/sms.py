"""Pluggable SMS sending (the 115 texts the address of a place): console, file and memory backends,
and one real provider over HTTPS (Brevo's transactional SMS API). Phone numbers are never logged.

Code sends through `parcours.core.outbox.send_sms` (after the commit, retried, logged); the backends
here are what the outbox's worker calls. `send` returns the provider's answer (for the delivery log)
and raises SmsError with the provider's answer when the message was not accepted."""

import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list[dict] = []


class SmsError(Exception):
    """The message could not be handed to the provider (the number is not in the message)."""


class BaseBackend:
    def send(self, *, to: str, text: str) -> str:
        """Hand the message over; return the provider's answer (never the number or the text)."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Development only: prints the message on the server's console."""

    def send(self, *, to: str, text: str) -> str:
        print(f"[SMS] to={to} text={text}")  # noqa: T201
        return "console"


class FileBackend(BaseBackend):
    """Development: appends one JSON line per message to var/sms.jsonl."""

    def send(self, *, to: str, text: str) -> None:
        path = Path(getattr(settings, "SMS_FILE_PATH", settings.VAR_DIR / "sms.jsonl"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"at": timezone.now().isoformat(), "to": to, "text": text}) + "\n")
        return "file"


class MemoryBackend(BaseBackend):
    """Tests: keeps the messages in `parcours.core.sms.outbox`."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})
        return "memory"


class BrevoBackend(BaseBackend):
    """Production: Brevo's transactional SMS API (a French provider). Settings: SMS_BREVO_API_KEY,
    SMS_SENDER (11 characters at most), SMS_HTTP_TIMEOUT (seconds), SMS_BREVO_URL (rarely changed;
    plain HTTP is accepted for a relay on the machine itself only: 127.0.0.1, ::1 or localhost)."""

    DEFAULT_URL = "https://api.brevo.com/v3/transactionalSMS/sms"

    def build_request(self, *, to: str, text: str) -> urllib.request.Request:
        body = {
            "sender": getattr(settings, "SMS_SENDER", "115"),
            "recipient": to.lstrip("+").replace(" ", ""),
            "content": text,
            "type": "transactional",
        }
        url = getattr(settings, "SMS_BREVO_URL", self.DEFAULT_URL)
        if not (url.startswith("https://") or _is_loopback_http(url)):
            raise SmsError("the SMS provider is reached over HTTPS only")
        return urllib.request.Request(  # noqa: S310  (an https URL, checked above)
            url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "api-key": settings.SMS_BREVO_API_KEY,
                "content-type": "application/json",
                "accept": "application/json",
            },
        )

    def send(self, *, to: str, text: str) -> str:
        request = self.build_request(to=to, text=text)
        timeout = getattr(settings, "SMS_HTTP_TIMEOUT", 10)
        try:
            # An https URL, or http to the machine itself (build_request refuses anything else).
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
                answer = f"{response.status} {_read_answer(response)}".strip()
                if response.status >= 300:
                    raise SmsError(f"provider answered {answer}")
                return answer
        except urllib.error.HTTPError as exc:
            raise SmsError(f"provider answered {exc.code} {_read_answer(exc)}".strip()) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"provider unreachable: {type(exc).__name__}") from None


def _read_answer(response) -> str:
    """The start of the provider's answer (its message id, or its error), on one line."""
    try:
        return " ".join(response.read(400).decode("utf-8", "replace").split())
    except (OSError, ValueError):
        return ""


def _is_loopback_http(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "http" or not parsed.hostname:
        return False
    if parsed.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parsed.hostname).is_loopback
    except ValueError:
        return False


def send_sms(*, to: str, text: str) -> str:
    """Send now, in this process (the outbox's worker calls this; code calls outbox.send_sms)."""
    return import_string(settings.SMS_BACKEND)().send(to=to, text=text)
