"""The calendar feeds page as a person uses it: what it says after a refused feed."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit


def flashes(html: str) -> list[str]:
    """The messages flashed at the top of the page."""
    return [unescape(m) for m in re.findall(
        r'<div class="utrecht-alert[^"]*" role="(?:alert|status)">\s*<p class="utrecht-paragraph">(.*?)</p>', html,
        re.DOTALL)]


def refused(client, **data) -> list[str]:
    """POST a feed that must be refused; returns the messages shown on the page it leads back to."""
    response = client.post("/calendar/feeds/new", data=data)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/calendar/feeds"
    return flashes(client.get("/calendar/feeds").get_data(as_text=True))
