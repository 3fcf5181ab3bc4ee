"""Browser tests: Playwright driving Debian's Chromium against a live Losen server.

axe-core comes from npm (``node_modules/axe-core``); it is injected into each page with CSP
bypassed for the test browser only, since Losen's policy forbids inline scripts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium is missing: run `make test`, which installs it (apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_live(transactional_db, live_server):
    """The demo loaded into the database the live server uses."""
    from losen.apps.demo.services import load_demo

    load_demo(password=DEMO_PASSWORD)
    return live_server


@pytest.fixture
def page(browser):
    context = browser.new_context(bypass_csp=True, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base_url}/")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return the violations of the given impacts."""
    if not AXE_PATH.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs npm packages.")
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
