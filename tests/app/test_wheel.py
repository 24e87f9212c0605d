"""A wheel built from the project carries its templates, migrations, styles and translations,
and the app works from it without the source tree."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=ROOT, check=True, capture_output=True,
    )
    (built,) = out.glob("visitplanner-*.whl")
    return built


def test_wheel_carries_templates_migrations_static_and_translations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "visitplanner/templates/base.html",
        "visitplanner/templates/itinerary/programme.html",
        "visitplanner/migrations/env.py",
        "visitplanner/migrations/alembic.ini",
        "visitplanner/migrations/versions/0001_initial_schema.py",
        "visitplanner/static/vendor/utrecht/component-library.css",
        "visitplanner/static/vendor/utrecht/theme.css",
        "visitplanner/translations/nl/LC_MESSAGES/messages.mo",
    ):
        assert expected in names, expected


def test_installed_wheel_migrates_and_serves_without_the_source_tree(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )
    script = textwrap.dedent(
        f"""
        import visitplanner
        assert visitplanner.__file__.startswith({str(site)!r}), visitplanner.__file__
        from flask_migrate import upgrade
        from visitplanner import create_app
        from visitplanner.commit import commit
        from visitplanner.demo import load_demo
        app = create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path}/wheel.sqlite"}},
                         instance_path={str(tmp_path / "instance")!r})
        with app.app_context():
            upgrade()
            load_demo()
            commit()
        client = app.test_client()
        page = client.get("/login")
        assert page.status_code == 200 and "Inloggen" in page.get_data(as_text=True), page.status_code
        assert client.get("/static/vendor/utrecht/theme.css").status_code == 200
        assert client.get("/").status_code == 302  # anonymous: to the login page
        print("OK")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("OK")
