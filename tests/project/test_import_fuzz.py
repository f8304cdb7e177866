"""Hypothesis-driven fuzzing of the file imports: whatever the file holds, a French refusal or a
correct import, never a crash, and nothing already published is changed.

`load-grid` gets the AFFIL grid with one part replaced by generated JSON (a wrong type, a missing
key, a huge or empty value…), arbitrary JSON, and arbitrary bytes; `load-territories --package`
gets arbitrary bytes for an archive.
"""

import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from parcours.assessments import grids
from parcours.assessments.models import AssessmentGrid
from parcours.territories.models import Commune, Territory

pytestmark = pytest.mark.django_db

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=int(os.environ.get("PARCOURS_IMPORT_FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=os.environ.get("PARCOURS_FUZZ_RANDOM", "") != "true",
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _paths(value, prefix=()):
    """Every place in a JSON document, as a tuple of keys and indexes."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _replace(document, path, new):
    if not path:
        return new
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return document


AFFIL = json.loads(grids.AFFIL_V1.read_text(encoding="utf-8"))
PATHS = list(_paths(AFFIL))


@st.composite
def mutated_grids(draw):
    """The real grid as version 2, with one place replaced by generated JSON or removed."""
    document = json.loads(json.dumps(AFFIL))
    document["version"] = 2
    path = draw(st.sampled_from(PATHS[1:]))
    if draw(st.booleans()) and isinstance(path[-1], str):
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
        return document
    return _replace(document, path, draw(JSON))


def _published():
    return {grid.version: grids.grid_content(grid) for grid in AssessmentGrid.objects.all()}


def _load_grid(path) -> None:
    """The command either publishes the file or refuses it with a CommandError, nothing else."""
    try:
        call_command("load_grid", "--file", str(path), stdout=StringIO())
    except CommandError as exc:
        assert str(exc).strip(), "a refusal must say why"


def test_load_grid_refuses_any_broken_file_in_french_and_keeps_version_1(tmp_path):
    version_1 = _published()[1]
    path = tmp_path / "grid.json"

    @FUZZ
    @given(
        content=st.one_of(
            mutated_grids().map(lambda d: json.dumps(d).encode()),
            JSON.map(lambda d: json.dumps(d).encode()),
            st.binary(max_size=200),
        )
    )
    def load(content):
        path.write_bytes(content)
        _load_grid(path)
        assert _published()[1] == version_1

    load()


def test_load_territories_refuses_any_broken_package(tmp_path):
    before = Territory.objects.count(), Commune.objects.count()
    package = tmp_path / "package.tgz"

    @FUZZ
    @given(content=st.binary(max_size=300))
    def load(content):
        package.write_bytes(content)
        with pytest.raises(CommandError):
            call_command("load_territories", "--package", str(package), stdout=StringIO())
        assert (Territory.objects.count(), Commune.objects.count()) == before

    load()
