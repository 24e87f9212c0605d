"""Browser tests: a real Chromium against the served app (``make test-browser``)."""
