"""`flask --app visitplanner demo` fills an empty instance with a fictional data set, once, that one can sign in to."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from visitplanner.auth.models import Role, User
from visitplanner.commit import commit
from visitplanner.demo import ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, SECOND_FACTOR_ROLES
from visitplanner.extensions import db
from visitplanner.itinerary.rules import double_bookings
from visitplanner.missions.models import Mission
from visitplanner.partnerships.models import Partnership


@pytest.fixture
def demo(runner):
    """Run the command once on the empty database; return its result."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_the_demo_loads_a_partnership_with_an_inbound_and_an_outbound_mission(app, demo):
    with app.app_context():
        assert [p.label for p in db.session.scalars(select(Partnership))] == ["Gemeente Voorbeeldstad – Wuxi"]
        missions = {m.direction: m for m in db.session.scalars(select(Mission))}
        assert sorted(missions) == ["inbound", "outbound"]
        for mission in missions.values():
            live = [i for i in mission.items if i.removed_at is None]
            assert len({i.local_start.date() for i in live}) > 1, f"{mission.direction}: not a multi-day programme"
            assert all(mission.start_date <= i.local_start.date() <= mission.end_date for i in live)
            assert mission.members, f"{mission.direction}: no delegation"
            assert double_bookings(mission.items) == {}, f"{mission.direction}: double bookings in the demo"
        assert {i.timezone for i in missions["outbound"].items} == {"Europe/Amsterdam", "Asia/Shanghai"}
        assert {i.timezone for i in missions["inbound"].items} == {"Europe/Amsterdam"}
        assert missions["outbound"].companies


def test_the_demo_has_an_account_for_every_role_and_prints_them(app, demo):
    with app.app_context():
        users = list(db.session.scalars(select(User)))
        assert set().union(*(u.role_names for u in users)) == set(Role)
        labels = {email: [role.label for role in roles] for email, _name, roles in ACCOUNTS}  # as the command said
    assert "Demo data loaded." in demo.output
    assert DEMO_PASSWORD in demo.output
    for email, role_labels in labels.items():
        line = next(line for line in demo.output.splitlines() if email in line)
        assert all(label in line for label in role_labels), line


def test_running_the_demo_again_changes_nothing_and_says_so(app, runner, demo):
    before = row_counts(app)

    again = runner.invoke(args=["demo"])

    assert again.exit_code == 0
    assert "already holds data" in again.output
    assert "Demo data loaded." not in again.output
    assert row_counts(app) == before


def test_every_demo_account_can_sign_in_with_the_demo_password_and_the_documented_key(app, client, demo):
    import pyotp

    from visitplanner.demo import DEMO_TOTP_SECRET

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert DEMO_TOTP_SECRET in readme, "the README says how to get a code for the demo accounts"
    for email, name, roles in ACCOUNTS:
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        if set(roles) & {Role.ADMIN, Role.ADVISOR, Role.APPROVER}:
            assert response.headers["Location"] == "/login/code", email
            response = client.post("/login/code", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
            assert response.status_code == 302, email
        assert response.headers["Location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        assert name in home.get_data(as_text=True)
        client.post("/logout")


def test_a_wrong_password_does_not_open_a_demo_account(client, demo):
    response = client.post("/login", data={"email": ACCOUNTS[0][0], "password": DEMO_PASSWORD + "x"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302  # still signed out: sent to the login page


# ---- the second factor of the demo accounts: said where a newcomer looks, and a command that prints the code -----


def coded(email: str) -> bool:
    """Whether the demo account asks for a code after the password."""
    return any(e == email and SECOND_FACTOR_ROLES & set(roles) for e, _, roles in ACCOUNTS)


def test_make_run_and_the_demo_command_say_which_accounts_ask_for_a_code_and_how_to_get_one(demo):
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:"):makefile.index("\ndb:")]
    for said in (run, demo.output):
        for email, _, _ in ACCOUNTS:
            line = next(line for line in said.splitlines() if email in line)
            assert ("asks for a code" in line) == coded(email), line
        assert DEMO_TOTP_SECRET in said
        assert "demo-code" in said
    assert "demo-code advisor@example.org" in run


def test_demo_code_prints_a_code_that_opens_the_account_and_then_the_next_one(app, runner, client, demo):
    for attempt in range(2):
        printed = runner.invoke(args=["demo-code", "advisor@example.org"])
        assert printed.exit_code == 0, printed.output
        code = printed.output.split()[0]
        assert code.isdigit() and len(code) == 6

        assert client.post("/login", data={"email": "advisor@example.org", "password": DEMO_PASSWORD}) \
            .headers["Location"] == "/login/code"
        opened = client.post("/login/code", data={"code": code})
        assert opened.status_code == 302 and opened.headers["Location"] == "/", f"attempt {attempt + 1}"
        client.post("/logout")


def test_demo_code_refuses_every_account_but_the_demo_ones_with_the_demo_key(ctx, runner, demo, make_user):
    make_user(Role.ADMIN, email="beheer@voorbeeldstad.nl", totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    admin.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # an instance that kept the address with a key of its own
    commit()

    for email, says in (("beheer@voorbeeldstad.nl", "no demo account"), ("admin@example.org", "no demo account"),
                        ("nobody@example.org", "no demo account"),
                        ("protocol@example.org", "signs in with the password alone")):
        refused = runner.invoke(args=["demo-code", email])
        assert refused.exit_code != 0, email
        assert says in refused.output, refused.output
        assert not any(word.isdigit() and len(word) == 6 for word in refused.output.split()), refused.output
