"""Tabular exports (CSV, XLSX, ODS): the one place a table becomes a file, formula injection defused.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by
spreadsheet software (`=HYPERLINK(...)` sends the reader elsewhere, DDE runs commands). Every text
cell of every export goes through `neutralise()`, which prefixes such text with an apostrophe so it
stays text; numbers and dates are written as they are (a negative number is a number), and a
boolean as the word a reader expects, « oui » or « non », never `True`/`False` (issue 15).
"""

import tablib
from django.utils.translation import gettext as _

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value as an export may write it: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe; anything else is returned unchanged."""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(dataset: tablib.Dataset, fmt: str) -> bytes:
    """The dataset as a CSV, XLSX or ODS file, every text cell (headers and title included) neutralised."""
    safe = tablib.Dataset(title=neutralise(dataset.title) if dataset.title else dataset.title)
    safe.headers = [neutralise(h) for h in dataset.headers] if dataset.headers else None
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    content = safe.export(FORMATS[fmt][1])
    return content.encode("utf-8") if isinstance(content, str) else content
