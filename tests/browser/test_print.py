"""The programme printed to PDF by Chromium (issue 13, part 7): the audience, "Intern – vertrouwelijk" on every page
when talking points or real names are in it, the print date, page numbers, and no item split over two pages."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader
from sqlalchemy import select

from visitplanner.demo import DEMO_PASSWORD
from visitplanner.extensions import db
from visitplanner.missions.models import Mission

pytestmark = pytest.mark.browser


def pages_of(page: Page, path: str, paper: str = "A4") -> list[str]:
    page.goto(path)
    if paper != "A4":  # the print page asks for A4 (print.css); this paper instead
        page.add_style_tag(content=f"@page {{ size: {paper}; }}")
    pdf = page.pdf(format=paper, print_background=False)
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def protocol(new_context) -> Page:
    # The policy forbids inline styles; the split test adds one to print on smaller paper (not under test here).
    page = new_context(bypass_csp=True).new_page()
    page.goto("/login")
    page.locator("#email").fill("protocol@example.org")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form.vp-form button[type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.fixture
def inbound(live_app):
    with live_app.app_context():
        mission = db.session.scalars(select(Mission).where(Mission.direction == "inbound")
                                     .order_by(Mission.start_date)).first()
        # What a card shows of each item, first to last: a card split over two pages puts its end on the next.
        cards = {i.title: [part[:40] for part in (i.location, i.description, i.talking_points) if part]
                 for i in mission.items if i.removed_at is None}
        return mission.id, cards


def test_an_internal_print_is_marked_confidential_on_every_page_with_date_and_page_numbers(protocol, inbound):
    mission_id, _ = inbound
    printed = pages_of(protocol, f"/missions/{mission_id}/programme/print?audience=internal")
    assert printed, "a PDF with pages"
    total = len(printed)
    for number, text in enumerate(printed, start=1):
        assert "Intern – vertrouwelijk" in text, (number, text[:200])
        assert f"{number} / {total}" in text, (number, text[-200:])
    assert "Programma voor: Intern" in printed[0]
    assert re.search(r"Afgedrukt op \d{1,2} [a-z]{3,4}\.? \d{4}, \d{2}:\d{2}", printed[0]), printed[0][:300]  # 7 dec. 2026, 10:50


def test_a_public_print_is_not_marked_confidential(protocol, inbound):
    mission_id, _ = inbound
    printed = pages_of(protocol, f"/missions/{mission_id}/programme/print?audience=public")
    assert printed and not any("vertrouwelijk" in text for text in printed)
    assert "Programma voor: Openbaar" in printed[0]


def test_no_item_card_is_split_over_two_pages(protocol, inbound):
    """The programme page printed from the browser, on A6 paper, where the demo's programme runs over several pages:
    room enough to split an item card, if it would be. (The print page keeps each row whole the same way, but its
    table is shrunk to fit narrow paper, so the demo never fills more than one page of it.)"""
    mission_id, titles = inbound
    printed = pages_of(protocol, f"/missions/{mission_id}/programme?audience=internal", paper="A6")
    assert len(printed) >= 3, f"the programme fills {len(printed)} page(s): nothing could be split"
    for title, parts in titles.items():
        on = [n for n, text in enumerate(printed) if title in text]
        assert len(on) == 1, (title, on)
        for part in parts:
            assert " ".join(part.split()) in printed[on[0]], f"“{title}” and “{part}” are on one page"


@pytest.fixture
def outbound(live_app):
    with live_app.app_context():
        mission = db.session.scalars(select(Mission).where(Mission.direction == "outbound")).first()
        return mission.id, [i.title for i in mission.items if i.removed_at is None and i.visibility != "internal"]


def test_the_week_at_a_glance_prints_landscape_marked_with_every_item_of_the_audience(protocol, outbound):
    mission_id, titles = outbound
    protocol.goto(f"/missions/{mission_id}/programme/week?audience=internal")
    pdf = PdfReader(io.BytesIO(protocol.pdf(prefer_css_page_size=True, print_background=False)))
    box = pdf.pages[0].mediabox
    assert box.width > box.height, "landscape A4"
    printed = [" ".join(p.extract_text().split()) for p in pdf.pages]
    for number, text in enumerate(printed, start=1):
        assert "Intern – vertrouwelijk" in text, (number, text[:200])
        assert f"{number} / {len(printed)}" in text
    everything = " ".join(printed)
    assert "Programma voor: Intern" in everything and "Afgedrukt op" in everything
    for title in titles:
        assert title in everything, title
    assert "Agenda-abonnementen" not in everything and "Geschiedenis" not in everything, "no menus on paper"


def test_on_a_phone_the_week_is_a_day_by_day_list(new_context, outbound):
    mission_id, titles = outbound
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto("/login")
    page.locator("#email").fill("protocol@example.org")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form.vp-form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"/missions/{mission_id}/programme/week")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.locator(".vp-week__grid").first.is_visible()
    listed = page.locator(".vp-week__list .vp-week__title")
    assert listed.count() >= len(titles) and listed.first.is_visible()
