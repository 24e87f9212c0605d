"""Serve the application in a process of its own, configured from the environment as in production, on a free
port that it prints; for tests that need several app processes (shared rate limits)."""

from __future__ import annotations

import sys

from werkzeug.serving import make_server

from visitplanner import create_app


def main() -> None:
    app = create_app({"WTF_CSRF_ENABLED": False}, instance_path=sys.argv[1])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
