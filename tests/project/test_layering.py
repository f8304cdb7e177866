"""The layering contract (pyproject.toml [tool.importlinter], docs/architecture.md) holds on the tree,
and import-linter really fails when someone breaks it: a copy of the code gets one deliberate
violation of each contract and must be refused, each violation named."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

pytest.importorskip("importlinter")

ROOT = Path(settings.BASE_DIR)

CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"][
    "contracts"
]

# Each deliberate violation: (contract id, file of the copy, code appended to it (the file is made
# when missing), what the report names: an import chain or, for a cycle, either of its two imports).
VIOLATIONS = [
    (
        "kernel",
        "parcours/core/violation.py",
        "from parcours.households.models import Household\n",
        ("parcours.core.violation -> parcours.households.models",),
    ),
    (
        "kernel",
        "parcours/accounts/context_processors.py",
        "\n\ndef support_menu(user):\n    from parcours.support.perms import can_list_measures\n\n"
        "    return can_list_measures(user)\n",
        ("parcours.accounts.context_processors -> parcours.support.perms",),
    ),
    (
        "engine-no-orm",
        "parcours/matching/engine/rules.py",
        "\nfrom django.db.models import Q  # noqa\n",
        ("parcours.matching.engine.rules -> django.db.models",),
    ),
    (
        "engine-alone",
        "parcours/matching/engine/violation.py",
        "from parcours.matching import loaders\n",
        ("parcours.matching.engine.violation -> parcours.matching.loaders",),
    ),
    (
        "no-demo",
        "parcours/households/services.py",
        "\nfrom parcours.demo import names  # noqa\n",
        ("parcours.households.services -> parcours.demo.names",),
    ),
    (
        "no-demo",
        "parcours/offers/violation.py",
        "import bench.load\n",
        ("parcours.offers.violation -> bench",),
    ),
    (
        "acyclic",
        "parcours/orientation/views.py",
        "\n\ndef facts_link(user, found):\n    from parcours.matching import perms\n\n"
        "    return perms.can_edit_needs(user, found)\n",
        (".orientation -> .matching", ".matching -> .orientation"),
    ),
    (
        "acyclic",
        "parcours/matching/loaders.py",
        "\n\ndef cached_engine():\n    from .cache import REQUESTS\n\n    return REQUESTS\n",
        (".loaders -> .cache", ".cache -> .loaders"),
    ),
]


def lint(root: Path, *contracts: str) -> subprocess.CompletedProcess:
    """lint-imports on the tree at `root` (its own pyproject.toml), as `make lint` runs it."""
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        f"sys.exit(lint_imports(no_cache=True, limit_to_contracts={contracts!r}))"
    )
    return subprocess.run(  # noqa: S603  (our own interpreter, fixed arguments)
        [sys.executable, "-c", code],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_tree_keeps_every_layering_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert {c["id"] for c in CONTRACTS} == {contract for contract, *_ in VIOLATIONS}


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """A copy of the code and its contract, for one deliberate violation at a time."""
    root = tmp_path_factory.mktemp("layering")
    shutil.copytree(
        ROOT / "parcours",
        root / "parcours",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale", "*.mo"),
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize(
    ("contract", "path", "code", "named"),
    VIOLATIONS,
    ids=[f"{contract}:{path}" for contract, path, _code, _named in VIOLATIONS],
)
def test_a_deliberate_violation_fails_the_lint(copy, contract, path, code, named):
    target = copy / path
    before = target.read_text(encoding="utf-8") if target.exists() else None
    target.write_text((before or "") + code, encoding="utf-8")
    try:
        result = lint(copy, contract)
    finally:
        if before is None:
            target.unlink()
        else:
            target.write_text(before, encoding="utf-8")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 broken" in result.stdout
    assert any(chain in result.stdout for chain in named), result.stdout


def test_every_app_is_placed_in_the_contract():
    """A new app must be declared kernel or domain (else the kernel could import it unnoticed), and
    be held to not importing the demo."""
    apps = {
        f"parcours.{path.parent.name}"
        for path in (ROOT / "parcours").glob("*/__init__.py")
        if path.parent.name not in {"templates", "static", "locale"}
    }
    by_id = {c["id"]: c for c in CONTRACTS}
    kernel = {m.split(".")[0] + "." + m.split(".")[1] for m in by_id["kernel"]["source_modules"]}
    domains = set(by_id["kernel"]["forbidden_modules"]) - {"parcours.api.api"}
    assert apps == kernel | domains, sorted(apps ^ (kernel | domains))
    assert set(by_id["no-demo"]["source_modules"]) == apps - {"parcours.demo"}
