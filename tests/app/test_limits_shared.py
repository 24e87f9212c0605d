"""Rate limits are shared by every worker: two application processes on one Redis count one guesser's failures
together, so running more workers gives a guesser no more tries."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from support.accounts import PASSWORD
from support.app import ratelimit_storage_uri

from visitplanner.auth.models import Role

ROOT = Path(__file__).resolve().parents[2]
SERVE_APP = ROOT / "tests" / "support" / "serve_app.py"


def start(tmp_path, database_url: str, storage: str, prefix: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": storage,
           "RATELIMIT_KEY_PREFIX": prefix, "SECRET_KEY": "shared-limits-test", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, str(SERVE_APP), str(tmp_path / uuid.uuid4().hex)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = process.stdout.readline().strip()
    assert port.isdigit(), "the app process did not start"
    return process, f"http://127.0.0.1:{port}"


def sign_in(base: str, email: str, password: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect, urllib.request.ProxyHandler({}))
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    try:
        return opener.open(base + "/login", data, timeout=30).status
    except urllib.error.HTTPError as answer:
        return answer.code


@pytest.fixture
def two_processes(app, tmp_path, make_user, request):
    """Two app processes on the test database; ``storage`` is the limit store they are given."""
    with app.app_context():
        email = make_user(Role.ADVISOR).email
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    started = []

    def make(storage: str):
        prefix = f"shared-{uuid.uuid4().hex}"
        for _ in range(2):
            started.append(start(tmp_path, url, storage, prefix))
        return email, [base for _, base in started[-2:]]

    yield make
    for process, _ in started:
        process.terminate()
        process.wait(10)
        process.stdout.close()


def test_two_processes_on_one_redis_share_the_count(two_processes):
    email, (first, second) = two_processes(ratelimit_storage_uri())
    answers = [sign_in(base, email, "guess guess guess") for base in (first, second, first, second, first)]
    assert answers == [200] * 5
    assert sign_in(second, email, PASSWORD) == 429, "the sixth try is refused, whichever process gets it"
    assert sign_in(first, email, PASSWORD) == 429


def test_with_a_count_per_process_a_guesser_would_get_twice_the_tries(two_processes):
    """Why the store must be shared: in memory, each process counts for itself."""
    email, (first, second) = two_processes("memory://")
    for base in (first, second, first, second, first):
        sign_in(base, email, "guess guess guess")
    assert sign_in(second, email, PASSWORD) == 302
