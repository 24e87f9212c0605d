"""A feed's address in every spelling a server decodes to it (issue 21): percent-encoded letters or slash, any case,
doubled slashes. Its token never reaches a log line in any of them, and only the literal ``/feeds/<token>.ics`` is
served: every other spelling is answered 404, so that a link passed around in such a spelling (and logged so by a
proxy) does not work."""

from __future__ import annotations

import logging
from urllib.parse import unquote, urlsplit

import pytest

from visitplanner.auth.models import Role
from visitplanner.calendar.operations import create_feed
from visitplanner.commit import commit
from visitplanner.logmask import MaskFeedTokens

TOKEN = "Zq3xV8mK1pW4rT7yB2nC5dF6gH9jL0aS-_uE3iO8kPw"

#: The spellings of ``/feeds/<token>.ics`` (``{t}`` is the token) that a server may decode to it.
SPELLINGS = (
    "/%66eeds/{t}.ics",
    "/%46EEDS/{t}.ics",
    "/fe%65ds/{t}.ics",
    "/feeds%2F{t}.ics",
    "/feeds%2f{t}.ics",
    "/%66%65%65%64%73%2f{t}.ics",
    "//feeds/{t}.ics",
    "/feeds//{t}.ics",
    "%2Ffeeds/{t}.ics",
    "/feeds/%{t0:02X}{t1}.ics",
    "/feeds/{t}%2Eics",
)
#: Spellings a server decodes to something else, but that still carry the token.
LOGGED_ONLY = ("/FEEDS/{t}.ics", "/%2566eeds/{t}.ics", "/feeds%252F{t}.ics", "/feeds/./{t}.ics")


def spelled(spelling: str, token: str) -> str:
    return spelling.format(t=token, t0=ord(token[0]), t1=token[1:])


def logged(message: str, *args) -> str:
    """The message as the werkzeug and gunicorn loggers write it, after the filter."""
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, message, args, None)
    MaskFeedTokens().filter(record)
    return record.getMessage()


@pytest.mark.parametrize("spelling", SPELLINGS + LOGGED_ONLY)
def test_the_log_filter_masks_the_token_in_every_spelling(spelling):
    path = spelled(spelling, TOKEN)

    line = logged('%s - - "%s" %s', "203.0.113.7", f"GET {path} HTTP/1.1", "404")
    atoms = logged('%(h)s "%(r)s" %(U)s', {"h": "203.0.113.7", "r": f"GET {path}?x=1 HTTP/1.1", "U": path})

    for text in (line, atoms):
        assert TOKEN[2:-2] not in text, text
        assert "/feeds/***" in text
    assert line.startswith('203.0.113.7 - - "GET ') and line.endswith(' HTTP/1.1" 404'), "the rest stays readable"


def test_the_filter_leaves_other_paths_alone():
    assert logged('"GET /missions/3/programme HTTP/1.1" 200') == '"GET /missions/3/programme HTTP/1.1" 200'


@pytest.fixture
def token(ctx, make_user):
    delegate = make_user(Role.DELEGATE)
    token = create_feed(delegate, kind="person", audience="delegation")[1]
    commit()
    return token


def raw_get(reader, raw: str):
    """GET as a server passes it on: the raw request target as sent (RAW_URI, REQUEST_URI), the path decoded once."""
    target = urlsplit(raw).path if raw.startswith("http://") else raw.partition("?")[0]
    path = unquote(target, encoding="latin-1")
    return reader.get("/", environ_overrides={"PATH_INFO": path if path.startswith("/") else "/" + path,
                                              "RAW_URI": raw, "REQUEST_URI": raw})


def test_the_literal_spelling_is_served(reader, token):
    assert raw_get(reader, f"/feeds/{token}.ics").status_code == 200
    assert reader.get(f"/feeds/{token}.ics").status_code == 200
    assert raw_get(reader, f"http://localhost/feeds/{token}.ics").status_code == 200, "absolute form"
    assert raw_get(reader, f"/feeds/{token}.ics?calendar=1").status_code == 200


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_other_spelling_is_answered_404(reader, token, spelling):
    path = spelled(spelling, token)

    answer = raw_get(reader, path)

    assert answer.status_code == 404, path
    assert b"BEGIN:VCALENDAR" not in answer.data and token.encode() not in answer.data
    assert answer.headers["Cache-Control"] == "no-store"
    if path.startswith("/"):  # what the test client can send as it is
        assert reader.get(path).status_code == 404, path


def test_the_feeds_page_is_not_a_feed(ctx, en, login):
    login(Role.PROTOCOL)
    assert en.get("/calendar/feeds").status_code == 200
