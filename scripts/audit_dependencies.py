"""Audit the installed dependencies (the pinned ones and what they pulled in) with pip-audit.

Fails on any known vulnerability. When PyPI's advisory service cannot be reached, or answers for
none of the packages (a mirror without the JSON API), says so clearly and skips: an audit that
checked nothing must never read as "no known vulnerabilities".

In CI (CI=true) the audit is **required** whenever the advisory service answers a probe: then any
audit that could not be done fails the build; when the probe gets no answer, one line says the
audit was skipped and why. PARCOURS_AUDIT_REQUIRED=true makes it required everywhere, even
unreachable; PARCOURS_AUDIT_REQUIRED=false never requires it.
"""

import importlib.metadata
import json
import os
import subprocess  # nosec B404 # runs pip-audit from this environment with an argument list
import sys
import urllib.error
import urllib.request
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
# pip-audit's default vulnerability service is PyPI's JSON API, asked per release: the probe asks
# it the same question for one installed release (a mirror may serve /pypi/NAME/json but not this).
ADVISORY_URL = "https://pypi.org/pypi/{name}/{version}/json"
PROBE_PACKAGE = "django"
TRUE = ("1", "true", "yes")
FALSE = ("0", "false", "no")


def advisory_service_reachable(timeout: float = 15) -> tuple[bool, str]:
    """(reachable, why not): the request pip-audit makes, for one installed release."""
    try:
        version = importlib.metadata.version(PROBE_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return False, f"{PROBE_PACKAGE} n'est pas installé"
    url = ADVISORY_URL.format(name=PROBE_PACKAGE, version=version)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (https)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310 (fixed https URL)
            data = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, f"{url} : {str(getattr(exc, 'reason', exc))[:200]}"
    if not isinstance(data, dict) or "vulnerabilities" not in data:
        return False, f"{url} : réponse sans champ « vulnerabilities »"
    return True, ""


def audit_required(*, reachable: bool | None = None) -> bool:
    forced = os.environ.get("PARCOURS_AUDIT_REQUIRED", "").lower()
    if forced in TRUE:
        return True
    if forced in FALSE:
        return False
    in_ci = os.environ.get("CI", "").lower() in TRUE
    return bool(in_ci and reachable)


def interpret(report: dict, *, required: bool | None = None) -> tuple[int, str]:
    """(exit code, message) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    if vulnerable:
        lines = [
            f"  {d['name']} {d['version']} : "
            + ", ".join(
                f"{v['id']} (corrigé en {', '.join(v.get('fix_versions') or ['?'])})" for v in d["vulns"]
            )
            for d in vulnerable
        ]
        return 1, "Vulnérabilités connues dans les dépendances :\n" + "\n".join(lines)
    if not audited:
        return skip(
            f"le service d'avis de sécurité de PyPI n'a répondu pour aucune des {len(skipped)} "
            "dépendances (réseau coupé ou miroir sans API JSON)",
            required=required,
        )
    message = f"Aucune vulnérabilité connue dans les {len(audited)} dépendances vérifiées."
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        message += f" Non vérifiées (inconnues de PyPI) : {names}."
    return 0, message


def skip(reason: str, *, required: bool | None = None) -> tuple[int, str]:
    if required is None:
        required = audit_required()
    if required:
        return 1, f"Audit des dépendances OBLIGATOIRE mais impossible : {reason}."
    return 0, f"Audit des dépendances SAUTÉ : {reason}."


def run_pip_audit() -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (our own pip-audit, fixed arguments)  # nosec B603
        [str(PIP_AUDIT), "--format", "json", "--skip-editable", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def audit() -> tuple[int, str]:
    reachable = None
    if os.environ.get("CI", "").lower() in TRUE:
        reachable, why = advisory_service_reachable()
        if not reachable and not audit_required(reachable=False):
            # Nothing to ask pip-audit: say it in one line and go on.
            return skip(f"CI sans accès au service d'avis de sécurité de PyPI ({why})")
    required = audit_required(reachable=reachable)
    try:
        result = run_pip_audit()
    except subprocess.TimeoutExpired:
        return skip("PyPI n'a pas répondu en dix minutes", required=required)
    except OSError as exc:
        return skip(f"pip-audit n'a pas pu être lancé ({exc})", required=required)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        return skip(f"pip-audit n'a pas pu interroger PyPI ({last[:300]})", required=required)
    return interpret(report, required=required)


def main() -> int:
    code, message = audit()
    print(message, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
