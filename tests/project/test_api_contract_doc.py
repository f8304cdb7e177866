"""Every operation the API serves is written down: in the shared contract (../shared/docs/api-v1.md,
kept as written) or in our own page of additions (docs/api.md)."""

import re
from pathlib import Path

import pytest

from parcours.api.api import api

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT.parent / "shared" / "docs" / "api-v1.md"
OPERATION = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`\s?]*)")


def _normal(method: str, path: str) -> tuple[str, str]:
    return method.upper(), re.sub(r"\{[^}]+\}", "{}", path.rstrip("/"))


def _written(text: str) -> set[tuple[str, str]]:
    return {_normal(m, p) for m, p in OPERATION.findall(text)}


def test_every_served_operation_is_in_the_contract_or_in_docs_api():
    if not CONTRACT.exists():
        pytest.skip("the shared contract is not beside the checkout")
    written = _written(CONTRACT.read_text()) | _written((ROOT / "docs" / "api.md").read_text())
    served = {
        _normal(method, path)  # the document's paths carry the /api/v1 prefix
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }
    missing = sorted(f"{m} {p}" for m, p in served - written)
    assert not missing, "served but written nowhere (add them to docs/api.md): " + ", ".join(missing)
