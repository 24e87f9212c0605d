"""Browser fixtures: the app served for real (CSRF on, demo data loaded) and a Debian Chromium to drive it.

Never downloads a browser: Playwright is pointed at ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from visitplanner import create_app
from visitplanner.commit import commit
from visitplanner.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo
from visitplanner.extensions import db

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Screenshots go here; the folder is git-ignored.
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

#: Generous for a slow CI machine, short enough that a missing element fails fast.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """A separate app on its own SQLite file, schema built by the migrations, demo data loaded."""
    from flask_migrate import upgrade

    root = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret-key",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(root / "browser.sqlite"),
            # CSRF stays enabled: a real browser submits the real forms with their tokens.
            "WTF_CSRF_ENABLED": True,
        },
        instance_path=str(root / "instance"),
    )
    with app.app_context():
        upgrade()
        load_demo()
        commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """The app served over HTTP on a free local port; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make browser-deps` (never `playwright install`).")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _new_context(browser, base_url: str, **options):
    options = {"viewport": {"width": 1280, "height": 900}, **options}
    context = browser.new_context(base_url=base_url, locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context (own cookies, own session) per test."""
    context = _new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def new_context(browser, live_server):
    """Make extra contexts with other options (e.g. JavaScript off); closed after the test."""
    made = []

    def make(**options):
        context = _new_context(browser, live_server, **options)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS


@pytest.fixture(scope="session")
def demo_password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def authenticator_code(live_app):
    """The code the demo accounts' authenticator app shows, for an account signing in now.

    Each code opens an account once (its time step must be later than the last one used), and another test of this
    session may have signed the same account in a moment ago: then the app's next code is used, as a person would
    wait for it, and when that too is spent the test waits for the next step (at most 30 s; rare).
    """
    import pyotp
    from sqlalchemy import select

    from visitplanner.auth.models import User

    totp = pyotp.TOTP(DEMO_TOTP_SECRET)

    def code(email: str) -> str:
        while True:
            with live_app.app_context():
                last = db.session.scalar(select(User.totp_last_step).where(User.email == email))
            now = totp.timecode(time.time())
            for step in (now, now + 1):
                if last is None or step > last:
                    return totp.generate_otp(step)
            time.sleep(totp.interval - time.time() % totp.interval + 0.1)

    return code
