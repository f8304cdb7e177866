"""How `make security` reads pip-audit's report: a found vulnerability fails, an audit of nothing skips."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit_dependencies = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_dependencies)

UNKNOWN = "Dependency not found on PyPI and could not be audited"


def test_a_known_vulnerability_fails_and_names_the_fix():
    code, message = audit_dependencies.interpret(
        {
            "dependencies": [
                {
                    "name": "django",
                    "version": "5.2.0",
                    "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
                },
                {"name": "segno", "version": "1.6.6", "vulns": []},
            ]
        }
    )
    assert code == 1 and "django 5.2.0 : PYSEC-1 (corrigé en 5.2.1)" in message


def test_a_clean_audit_passes_and_lists_what_could_not_be_checked():
    code, message = audit_dependencies.interpret(
        {
            "dependencies": [
                {"name": "django", "version": "5.2.19", "vulns": []},
                {"name": "internal", "version": "1.0", "skip_reason": UNKNOWN},
            ]
        }
    )
    assert code == 0 and "1 dépendances vérifiées" in message and "internal" in message


@pytest.mark.parametrize(("required", "expected"), [("", 0), ("true", 1)])
def test_an_audit_that_checked_nothing_is_skipped_loudly(monkeypatch, required, expected):
    monkeypatch.setenv("PARCOURS_AUDIT_REQUIRED", required)
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": UNKNOWN}]}
    code, message = audit_dependencies.interpret(report)
    assert code == expected and message.startswith("Audit des dépendances SAUTÉ")
