"""Pluggable SMS sending (the 115 texts the address of a place): console, file and memory backends,
and one real provider over HTTPS (Brevo's transactional SMS API). Phone numbers are never logged."""

import json
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list[dict] = []


class SmsError(Exception):
    """The message could not be handed to the provider (the number is not in the message)."""


class BaseBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Development only: prints the message on the server's console."""

    def send(self, *, to: str, text: str) -> None:
        print(f"[SMS] to={to} text={text}")  # noqa: T201


class FileBackend(BaseBackend):
    """Development: appends one JSON line per message to var/sms.jsonl."""

    def send(self, *, to: str, text: str) -> None:
        path = Path(getattr(settings, "SMS_FILE_PATH", settings.VAR_DIR / "sms.jsonl"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"at": timezone.now().isoformat(), "to": to, "text": text}) + "\n")


class MemoryBackend(BaseBackend):
    """Tests: keeps the messages in `parcours.core.sms.outbox`."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})


class BrevoBackend(BaseBackend):
    """Production: Brevo's transactional SMS API (a French provider). Settings: SMS_BREVO_API_KEY,
    SMS_SENDER (11 characters at most), SMS_HTTP_TIMEOUT (seconds), SMS_BREVO_URL (rarely changed)."""

    DEFAULT_URL = "https://api.brevo.com/v3/transactionalSMS/sms"

    def build_request(self, *, to: str, text: str) -> urllib.request.Request:
        body = {
            "sender": getattr(settings, "SMS_SENDER", "115"),
            "recipient": to.lstrip("+").replace(" ", ""),
            "content": text,
            "type": "transactional",
        }
        url = getattr(settings, "SMS_BREVO_URL", self.DEFAULT_URL)
        if not url.startswith("https://"):
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

    def send(self, *, to: str, text: str) -> None:
        request = self.build_request(to=to, text=text)
        timeout = getattr(settings, "SMS_HTTP_TIMEOUT", 10)
        try:
            # An https URL only (build_request refuses any other scheme).
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
                if response.status >= 300:
                    raise SmsError(f"provider answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"provider unreachable: {type(exc).__name__}") from None


def send_sms(*, to: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, text=text)
