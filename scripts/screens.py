"""Screenshots of the demo (``make screens``): the dashboard, and the programme, the week and the checklist of a
mission ahead (the inbound draft, or ``--mission outbound``), and the feed page, each at 1280 px (a desktop) and at
390 px (a phone held upright), as PNG files in docs/screens/.

It starts the demo app as ``make run`` would, but on a database of its own in a temporary folder (the demo data
loaded into it, nothing of instance/ touched), serves it on a free local port, and drives Debian's Chromium through
Playwright (never a browser download), signed in as the demo protocol officer. Each screenshot is what the window
shows, not the whole page, so that the files stay small (and smaller with pngquant, when installed); ``--full``
takes whole pages.

    .venv/bin/python scripts/screens.py [--lang en|nl] [--mission inbound|outbound] [--out docs/screens] [--full]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from visitplanner import create_app  # noqa: E402
from visitplanner.commit import commit  # noqa: E402
from visitplanner.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from visitplanner.extensions import db  # noqa: E402
from visitplanner.missions.models import Mission  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: The two widths, with a window height that shows the top of each page.
WIDTHS = {1280: 900, 390: 844}
ACCOUNT = "protocol@example.org"


def demo_app(folder: Path):
    """The app on an SQLite file in ``folder``, built by the migrations, with the demo data."""
    from flask_migrate import upgrade

    app = create_app({"SECRET_KEY": "screens-not-secret",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "screens.sqlite")},
                     instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade()
        load_demo()
        commit()
    return app


def mission_shown(app, direction: str) -> int:
    """The demo's mission ahead in ``direction``: the inbound one is still a draft with checks to fix, the outbound
    one is finalised and has home time beside its programme."""
    with app.app_context():
        return db.session.scalars(select(Mission.id).where(Mission.direction == direction)
                                  .order_by(Mission.start_date.desc())).first()


def serve(app) -> tuple[str, object]:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="screens", daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def take(base: str, mission_id: int, out: Path, lang: str, full: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    pages = {
        "dashboard": "/",
        "programme": f"/missions/{mission_id}/programme",
        "week": f"/missions/{mission_id}/programme/week",
        "checklist": f"/missions/{mission_id}/checklist",
    }
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        for width, height in WIDTHS.items():
            context = browser.new_context(base_url=base, viewport={"width": width, "height": height},
                                          locale="en-GB" if lang == "en" else "nl-NL")
            page = context.new_page()
            page.goto("/login")
            if lang != "nl":
                page.locator(".vp-language button").click()
            page.locator("#email").fill(ACCOUNT)
            page.locator("#password").fill(DEMO_PASSWORD)
            page.locator("form.vp-form button[type=submit]").click()
            page.wait_for_url(base + "/")
            for name, path in pages.items():
                page.goto(path)
                written.append(_shot(page, out / f"{name}-{width}.png", full))
            # The feed page: a new feed's address, shown once.
            page.goto("/calendar/feeds")
            page.locator("form.vp-inline-form button[type=submit]").first.click()
            page.wait_for_load_state()
            written.append(_shot(page, out / f"feed-{width}.png", full))
            context.close()
        browser.close()
    return written


def _shot(page, path: Path, full: bool) -> Path:
    page.screenshot(path=str(path), full_page=full, animations="disabled")
    return _smaller(path)


def _smaller(path: Path) -> Path:
    """The PNG with a palette of 256 colours or fewer when Debian's pngquant is there (``apt-get install pngquant``):
    about a third of the size, the text as sharp; else as Chromium wrote it."""
    pngquant = shutil.which("pngquant")
    if pngquant:
        subprocess.run([pngquant, "--force", "--skip-if-larger", "--strip", "--quality", "70-95", "--output",
                        str(path), "--", str(path)], check=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", choices=("en", "nl"), default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument("--full", action="store_true", help="whole pages, not what the window shows")
    parser.add_argument("--mission", choices=("inbound", "outbound"), default="inbound",
                        help="whose programme, week and checklist: the inbound draft, or the finalised outbound visit")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}; run `make browser-deps`.")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="visitplanner-screens-") as folder:
        app = demo_app(Path(folder))
        base, server = serve(app)
        try:
            for path in take(base, mission_shown(app, args.mission), args.out, args.lang, args.full):
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                print(f"{shown}  {path.stat().st_size // 1024} KiB")
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
