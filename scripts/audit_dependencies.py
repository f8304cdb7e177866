"""Audit the installed dependencies (the pinned ones and what they pulled in) with pip-audit.

Fails on any known vulnerability. When PyPI's advisory service cannot be reached, or answers for
none of the packages (a mirror without the JSON API), says so clearly and skips: an audit that
checked nothing must never read as "no known vulnerabilities". Set PARCOURS_AUDIT_REQUIRED=true
to turn that skip into a failure (a CI with network access).
"""

import json
import os
import subprocess  # nosec B404 # runs pip-audit from this environment with an argument list
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def interpret(report: dict) -> tuple[int, str]:
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
            "dépendances (réseau coupé ou miroir sans API JSON)"
        )
    message = f"Aucune vulnérabilité connue dans les {len(audited)} dépendances vérifiées."
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        message += f" Non vérifiées (inconnues de PyPI) : {names}."
    return 0, message


def skip(reason: str) -> tuple[int, str]:
    required = os.environ.get("PARCOURS_AUDIT_REQUIRED", "").lower() in ("1", "true", "yes")
    return (1 if required else 0), f"Audit des dépendances SAUTÉ : {reason}."


def main() -> int:
    try:
        result = subprocess.run(  # noqa: S603  (our own pip-audit, fixed arguments)  # nosec B603
            [str(PIP_AUDIT), "--format", "json", "--skip-editable", "--progress-spinner", "off"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        code, message = skip("PyPI n'a pas répondu en dix minutes")
    else:
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            last = (result.stderr.strip().splitlines() or ["?"])[-1]
            code, message = skip(f"pip-audit n'a pas pu interroger PyPI ({last[:300]})")
        else:
            code, message = interpret(report)
    print(message, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
