"""Pluggable SMS sending (the 115 texts the address of a place): console, file and memory backends."""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list[dict] = []


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


def send_sms(*, to: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, text=text)
