"""What test modules share that is neither a test nor a fixture: the test application, accounts, the clock, SQL,
scenario builders and readers of what the application writes. ``tests/`` is on ``sys.path`` (``pythonpath`` in
``pyproject.toml``), so every folder imports them the same way: ``from support.readiness import ready_mission``.

No test module imports another test module; what two of them need lives here, fixtures in ``tests/conftest.py``.
"""
