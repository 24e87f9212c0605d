"""axe-core in Chromium over every page each demo account can reach from its home page (issue 13, part 1; issue 23):
no critical, serious or moderate violation anywhere, forms included, with axe's default rules (WCAG 2.x A/AA and its
best practices, such as landmark-unique), none disabled and no element excluded; and on a phone held upright
(390 px), no page scrolls sideways (issue 13, part 7), measured by the document's scrollWidth.

Each role signs in as a person does (password, then the code of the documented demo key for the roles that need a
second factor) and follows every link on every page it reaches, as tests/app/test_smoke.py does without a browser;
downloads and feeds are left out (no page to check). axe-core comes with axe-playwright-python and is added to every
document through the DevTools protocol (an init script, compiled once for all pages), so the pages keep their policy
of no scripts at all.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from browser.axe import violations, with_axe
from browser.signing_in import sign_in
from visitplanner.demo import ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.browser

#: A phone held upright (the width the office's delegation members read their programme on), and a desktop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: Pages of one route that differ only in their ids (one mission or another) checked at most this often: the demo's
#: missions, items and participants are each in a state of their own, so three of each cover the states it has.
SAME_ROUTE = 3
#: Links to what is not a page: files, feeds, styles, downloads.
NOT_PAGES = ("/static/", "/feeds/", ".ics", ".pdf", ".md", ".json", ".csv", "/export")


def reachable_links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if not any(marker in target for marker in NOT_PAGES):
            found.append(target)
    return found


@pytest.mark.parametrize("person", [(email, name) for email, name, _roles in ACCOUNTS], ids=lambda p: p[0])
def test_no_page_a_role_can_reach_has_a_moderate_or_worse_violation_or_scrolls_sideways_on_a_phone(
        new_context, person, authenticator_code):
    email = person[0]
    page = with_axe(new_context()).new_page()
    sign_in(page, DEMO_PASSWORD, person, authenticator_code, language="nl")  # the pages as most readers see them
    seen, queue, problems, routes, overflow = set(), ["/"], [], Counter(), []
    while queue:
        url = queue.pop(0)
        route = re.sub(r"\d+", "{id}", url)
        if url in seen or url == "/logout" or routes[route] >= SAME_ROUTE:
            continue
        seen.add(url)
        routes[route] += 1
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert response.status == 200, f"{email}: {url} answered {response.status}"
        problems += violations(page)
        page.set_viewport_size(PHONE)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > PHONE["width"]:
            overflow.append(f"{url}: {wide} px wide at {PHONE['width']} px")
        page.set_viewport_size(DESKTOP)
        queue += [link for link in reachable_links(page) if link not in seen]
    assert len(seen) > 3, seen
    assert not problems, f"{email}, {len(seen)} pages:\n" + "\n".join(problems)
    assert not overflow, f"{email}, sideways scrolling on a phone:\n" + "\n".join(overflow)
