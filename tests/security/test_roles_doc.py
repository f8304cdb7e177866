"""docs/roles.md and the code say the same thing: the field-by-field table per role and per consent
purpose, and the purpose → sections table, parsed from the document and compared with
parcours/households/visibility.py."""

import re
from pathlib import Path

from django.conf import settings

from parcours.accounts.roles import Role
from parcours.households import visibility
from parcours.households.choices import ConsentPurpose

DOC = Path(settings.BASE_DIR) / "docs" / "roles.md"
CODE = re.compile(r"`([^`]+)`")


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _rows(block: str) -> list[list[str]]:
    """The cells of each row of the first table of the block, the separator left out."""
    rows = []
    for line in block.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not all(set(c) <= set("-: ") for c in cells):
            rows.append(cells)
    return rows


def _documented_fields() -> dict[str, tuple[list[str], dict[str, set[str]]]]:
    """record → (its fields in order, column code → the fields marked « oui »)."""
    section = _section(DOC.read_text(encoding="utf-8"), "Visibilité champ par champ")
    tables = {}
    for match in re.finditer(r"^### .*\(`(\w+)`\)$", section, re.M):
        header, *rows = _rows(section[match.end() :])
        columns = [CODE.fullmatch(h).group(1) if CODE.fullmatch(h) else h for h in header]
        fields = [CODE.fullmatch(r[0]).group(1) for r in rows]
        marked = {
            column: {f for f, r in zip(fields, rows, strict=True) if r[i] == "oui"}
            for i, column in enumerate(columns)
            if i >= 2
        }
        for r in rows:
            assert set(r[2:]) <= {"oui", "—"}, r
        tables[match.group(1)] = (fields, marked)
    return tables


def test_the_documented_field_table_is_the_code_table():
    documented = _documented_fields()
    assert set(documented) == set(visibility.FIELDS)
    for record, (fields, marked) in documented.items():
        assert fields == list(visibility.FIELDS[record]), record
        assert set(marked) == set(Role.values) | set(ConsentPurpose.values), record
        for role in Role.values:
            assert marked[role] == set(visibility.ROLE_FIELDS[role][record]), (record, role)
        for purpose in ConsentPurpose.values:
            assert marked[purpose] == set(visibility.PURPOSE_FIELDS[purpose][record]), (record, purpose)


def test_the_documented_purpose_table_is_the_code_table():
    section = _section(DOC.read_text(encoding="utf-8"), "Consentement et finalités")
    _header, *rows = _rows(section)
    documented = {CODE.fullmatch(r[1]).group(1): set(CODE.findall(r[2])) for r in rows}
    assert documented == {p: visibility.purpose_sections(p) for p in ConsentPurpose.values}
