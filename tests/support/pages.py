"""Reading what a page shows."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


def field_error(html: str, field: str) -> str:
    """The error text shown at a field ('' when none)."""
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()) if match else ""


class _FormReader(HTMLParser):
    """Collects what a page's forms would send as they stand: inputs, checked boxes, selected options, text areas."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside = action, False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("action") or "").split("?")[0] == self.action
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            else:
                self._add(name, a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, "".join(self._text).replace("\r\n", "\n").removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_values(html: str, action: str = "") -> dict:
    """What the page's form posting to ``action`` (its own address when "") sends if submitted unchanged: one value
    per name, a list where a name repeats."""
    reader = _FormReader(action)
    reader.feed(html)
    return {k: v[0] if len(v) == 1 else v for k, v in reader.values.items()}


def opened(browser, url: str) -> dict:
    """The form of the page at ``url`` as it is when opened (as someone who leaves it open and edits later)."""
    page = browser.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return form_values(page.get_data(as_text=True))


def conflict_row(html: str, label: str) -> str:
    """The row of the table of fields changed twice (before, saved meanwhile, yours) for the field ``label``."""
    row = html[html.index(f'scope="row">{label}'):]
    return row[:row.index("</tr>")]
