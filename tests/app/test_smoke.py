"""Every demo account can open every page reachable from its home page without a server error."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from support.accounts import sign_in_to_demo
from support.pdf import response_text

from visitplanner.commit import commit
from visitplanner.demo import ACCOUNTS, load_demo


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        commit()


LINK = re.compile(r'href="(/[^"#]*)')


@pytest.mark.parametrize("email", [a[0] for a in ACCOUNTS])
def test_every_page_reachable_from_home_opens(client, demo, email):
    assert sign_in_to_demo(client, email).status_code == 302
    seen, queue = set(), ["/"]
    while queue:
        url = queue.pop()
        if url in seen or url.startswith("/static/"):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, f"{email} opening {url} got {response.status_code}"
        for link in LINK.findall(response_text(response)):  # a briefing book: read, and it has no links
            path = urlsplit(link.replace("&amp;", "&"))
            target = path.path + (f"?{path.query}" if path.query else "")
            if target not in seen:
                queue.append(target)
    assert len(seen) > 3
