"""How `make security` reads pip-audit's report: a found vulnerability fails, an audit of nothing skips."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
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
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PARCOURS_AUDIT_REQUIRED", required)
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": UNKNOWN}]}
    code, message = audit_dependencies.interpret(report)
    assert code == expected and message.startswith("Audit des dépendances")
    assert ("SAUTÉ" in message) == (expected == 0)


NOTHING_CHECKED = {"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": UNKNOWN}]}
VULNERABLE = {
    "dependencies": [{"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": []}]}]
}


def _ci(monkeypatch, *, reachable, report=None, required=""):
    """CI=true, the advisory service reachable or not, and pip-audit answering `report`."""
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PARCOURS_AUDIT_REQUIRED", required)
    monkeypatch.setattr(
        audit_dependencies,
        "advisory_service_reachable",
        lambda: (reachable, "" if reachable else "timed out"),
    )
    calls = []

    def fake_pip_audit():
        calls.append(1)
        if report is None:
            return subprocess.CompletedProcess([], 1, stdout="", stderr="ConnectionError: PyPI")
        return subprocess.CompletedProcess([], 1, stdout=audit_dependencies.json.dumps(report), stderr="")

    monkeypatch.setattr(audit_dependencies, "run_pip_audit", fake_pip_audit)
    return calls


@pytest.mark.parametrize("report", [NOTHING_CHECKED, None], ids=["nothing-checked", "pip-audit-failed"])
def test_in_ci_with_the_advisory_service_reachable_an_audit_that_could_not_be_done_fails(monkeypatch, report):
    _ci(monkeypatch, reachable=True, report=report)
    code, message = audit_dependencies.audit()
    assert code == 1 and "OBLIGATOIRE" in message and "SAUTÉ" not in message


def test_in_ci_with_the_advisory_service_reachable_a_vulnerability_fails(monkeypatch):
    _ci(monkeypatch, reachable=True, report=VULNERABLE)
    code, message = audit_dependencies.audit()
    assert code == 1 and "PYSEC-1" in message


def test_in_ci_without_the_advisory_service_the_audit_is_skipped_in_one_plain_line(monkeypatch):
    calls = _ci(monkeypatch, reachable=False, report=VULNERABLE)
    code, message = audit_dependencies.audit()
    assert code == 0 and not calls
    assert message.startswith("Audit des dépendances SAUTÉ : CI sans accès au service d'avis de sécurité")
    assert "timed out" in message and "\n" not in message


def test_in_ci_a_forced_requirement_fails_even_without_the_service(monkeypatch):
    _ci(monkeypatch, reachable=False, report=None, required="true")
    code, message = audit_dependencies.audit()
    assert code == 1 and "OBLIGATOIRE" in message
