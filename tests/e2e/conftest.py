"""Browser tests: Playwright for Python driving Debian's chromium against the live test server."""

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PARCOURS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.browser)
            # One rerun, browser tests only (pytest-rerunfailures, ADR 0006): a safety net for a
            # Playwright wait that times out on a saturated CI machine, shown as RERUN in the log.
            # The tests themselves wait for state; a test failing twice fails.
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


SCREENSHOTS = Path(
    os.environ.get("PARCOURS_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def shot(request):
    """`shot(page, "115-board")` saves the page at 1366 px and at 390 px (full page) under
    var/screenshots/<test>/ (PARCOURS_SCREENSHOTS elsewhere), the folder CI keeps as an artefact;
    the viewport is put back as it was. Look at them before calling a screen done."""
    folder = SCREENSHOTS / request.node.name.replace("/", "_")

    def take(page, name: str) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        before = page.viewport_size
        paths = []
        for label, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            path = folder / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        if before:
            page.set_viewport_size(before)
        return paths

    return take


@dataclass
class Journey:
    """Counts what a user does: `journey.click(locator)` clicks and counts, page loads are counted
    by the browser's load events. The closing note quotes these figures (issue 15)."""

    page: object
    clicks: int = 0
    loads: int = 0
    steps: list = field(default_factory=list)

    def click(self, locator, **kwargs):
        self.clicks += 1
        self.steps.append(("click", str(locator)))
        locator.click(**kwargs)

    def report(self, name: str) -> str:
        line = f"{name}: {self.clicks} clics, {self.loads} chargements de page"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with open(SCREENSHOTS / "journeys.txt", "a", encoding="utf-8") as out:
            out.write(line + "\n")
        print(line)
        return line


@pytest.fixture
def journey(page):
    """A Journey on the test's page, counting loads from now on."""
    counted = Journey(page=page)

    def on_load(_page):
        counted.loads += 1

    page.on("load", on_load)
    return counted


# The reference rows that data migrations load (refusal reasons, measure kinds, the engine's default
# settings, the AFFIL grid). A browser test runs in a transaction that is flushed at its end, which
# empties those tables too: the next test (seed-demo, factories) would find none.
REFERENCE_DATA = [
    ("orientation.RefusalReason", "parcours.orientation.migrations.0003_refusal_reasons", "load"),
    ("support.MeasureKind", "parcours.support.migrations.0002_measure_kinds", "add_kinds"),
    ("matching.RankingWeight", "parcours.matching.migrations.0002_default_settings", "seed"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    if "live_server" not in request.fixturenames and "page" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    from parcours.assessments import grids
    from parcours.assessments.models import AssessmentGrid

    for model, module, function in REFERENCE_DATA:
        if not apps.get_model(model).objects.exists():  # (the engine's seed fills both of its tables)
            getattr(importlib.import_module(module), function)(apps, None)
    if AssessmentGrid.objects.current() is None:
        grids.load_grid(grids.AFFIL_V1)
    yield
