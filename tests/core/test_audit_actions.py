"""Audit action names are an enumerated type (issue 14 item 3, ADR 0016): each app lists its names in
`<app>/audit_actions.py`, the names are unique across apps, and services pass a member, never a
free string, to `audit.record_write` / `audit.record_auth`."""

import ast
import importlib
from pathlib import Path

from parcours.core import audit
from parcours.core.audit_actions import AuditAction, CoreAction

ROOT = Path(__file__).resolve().parents[2]
PARCOURS = ROOT / "parcours"


def _action_classes() -> list[type[AuditAction]]:
    classes = []
    for path in sorted(PARCOURS.glob("*/audit_actions.py")):
        module = importlib.import_module(f"parcours.{path.parent.name}.audit_actions")
        classes += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, AuditAction)
            and value is not AuditAction
            and value.__module__ == module.__name__
        ]
    return classes


def test_every_app_that_audits_declares_its_actions():
    apps = {cls.__module__.split(".")[1] for cls in _action_classes()}
    assert {"core", "households", "assessments", "offers", "emergency", "accounts", "plan"} <= apps
    assert {"matching", "demo", "orientation", "support"} <= apps


def test_action_values_are_unique_across_apps():
    seen: dict[str, str] = {}
    for cls in _action_classes():
        for member in cls:
            where = f"{cls.__module__}.{cls.__name__}.{member.name}"
            assert member.value not in seen, (
                f"{member.value!r} is declared by {seen[member.value]} and {where}"
            )
            seen[member.value] = where
    assert len(seen) > 50


def test_a_member_is_stored_as_its_plain_name(db):
    event = audit.record_write(actor=None, action=CoreAction.DATABASE_RESTORE, obj=("database", "default"))
    event.refresh_from_db()
    assert type(event.action) is str and event.action == "core.database.restore"
    assert audit.SEAL_ACTION == "core.audit.seal"
    assert audit.verify_chain().ok


def _string_action_calls(tree: ast.AST) -> list[int]:
    """The lines of record_write/record_auth calls (and of the workflow's transition/event/created,
    which write the audit row) whose `action` is a string written in place (a literal, an f-string,
    or a conditional between them)."""

    def is_text(node) -> bool:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.IfExp):
            return is_text(node.body) or is_text(node.orelse)
        return False

    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in ("record_write", "record_auth", "transition", "event", "created"):
            continue
        for keyword in node.keywords:
            if keyword.arg == "action" and is_text(keyword.value):
                lines.append(node.lineno)
    return lines


# orientation.services._move also takes a short name (`"orientation.request.<name>"`), which its
# transition-table tests use for moves that have no action of their own.
SHORT_NAMES = {"orientation/services.py"}


def test_no_service_passes_a_free_string_as_action():
    found = []
    for path in sorted(PARCOURS.rglob("*.py")):
        relative = path.relative_to(PARCOURS)
        calls = _string_action_calls(ast.parse(path.read_text()))
        if str(relative) in SHORT_NAMES:
            calls = calls[1:]  # the one short-name form, in _move
        found += [f"{relative}:{line}" for line in calls]
    assert found == []


def test_the_scan_sees_a_string_written_in_place():
    tree = ast.parse(
        'audit.record_write(actor=a, action="x.y")\n'
        'record_auth(actor=a, action="a" if b else "c")\n'
        "audit.record_write(actor=a, action=HouseholdAction.HOUSEHOLD_CREATE)\n"
    )
    assert _string_action_calls(tree) == [1, 2]
