"""axe-core in Chromium, as every browser test that checks a page for accessibility runs it: axe's default rules
(WCAG 2.x A/AA and its best practices), none disabled and no element excluded; every impact but "minor" fails.

axe-core comes with axe-playwright-python and is added to every document of a browser context through the DevTools
protocol (an init script), so the pages keep their policy of no scripts at all.
"""

from __future__ import annotations

from functools import cache

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page

#: What fails a page: every impact but "minor", of axe's default rules (no runOnly: none left out).
FAILING = ("critical", "serious", "moderate")


@cache
def axe_script() -> str:
    """axe-core's source, read once."""
    return Axe().axe_script


def with_axe(context: BrowserContext) -> BrowserContext:
    """The context, with axe-core in every document it loads from now on."""
    context.add_init_script(script=axe_script())
    return context


def violations(page: Page) -> list[str]:
    """axe's critical, serious and moderate violations on the page as it is now, one line each, where they are."""
    results = page.evaluate("options => axe.run(document, options)", {"resultTypes": ["violations"]})
    return [f"{page.url}: {v['id']} ({v['impact']}) {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in FAILING]
