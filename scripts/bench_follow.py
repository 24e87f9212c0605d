"""Benchmark: what following the calendars costs a write (``visitplanner/calendar/following.py``).

Builds a mission of N items (two attendees and one consenting participant each) in an in-memory SQLite database,
then times two things:

- following every item of the mission (``follow_missions``), as the daily ``checklist`` does and as every write
  to the mission once did;
- editing one item's place as the office does (``update_item``, then the one commit, ``visitplanner/commit.py``):
  the whole write, of which following is the part that only re-digests the items the change can alter.

A benchmark, not a test: nothing is asserted; run ``make bench`` and compare with the figures in
``docs/engineers.md`` (the target for a one-item edit of a 300-item mission is 50 ms).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's code, not an installed one

from visitplanner import create_app  # noqa: E402
from visitplanner.auth.models import Role, User  # noqa: E402
from visitplanner.calendar.following import follow_missions  # noqa: E402
from visitplanner.commit import commit  # noqa: E402
from visitplanner.extensions import db  # noqa: E402
from visitplanner.itinerary.models import ProgrammeItem  # noqa: E402
from visitplanner.itinerary.operations import TEXT_FIELDS, update_item  # noqa: E402
from visitplanner.missions.models import DelegationMember, Mission  # noqa: E402
from visitplanner.participants.models import ConsentRecord, Participant  # noqa: E402
from visitplanner.partnerships.models import Partnership  # noqa: E402
from visitplanner.timeutil import local_naive, to_utc  # noqa: E402


def build(n: int, office: User) -> Mission:
    partnership = Partnership(own_organisation="Gemeente Teststad", partner_region="Wuxi", region_type="city",
                              kind="sister_city", cooperation_themes="water")
    mission = Mission(partnership=partnership, direction="outbound", title="Werkbezoek", purpose="",
                      start_date=date(2027, 4, 12), end_date=date(2027, 4, 15), timezone="Asia/Shanghai")
    members = [DelegationMember(mission=mission, name=f"Lid {i}") for i in range(2)]
    db.session.add_all([mission, *members])
    db.session.flush()
    for i in range(n):
        start = datetime(2027, 4, 12 + i % 4, 8) + timedelta(minutes=(i // 4) * 2)
        person = Participant(real_name=f"Naam {n}-{i}", alias=f"Alias {n}-{i}", kind="resident", at_risk=False)
        db.session.add_all([person, ProgrammeItem(
            mission=mission, kind="citizen_meeting", title=f"Item {i}", timezone=mission.timezone,
            visibility="delegation", starts_at=to_utc(start, mission.timezone),
            ends_at=to_utc(start + timedelta(minutes=1), mission.timezone), attendees=members, participants=[person],
            location="Wuxi", description="Gesprek")])
        db.session.add(ConsentRecord(participant=person, mission_id=mission.id, kind="given", take_part=True,
                                     named_internal=True, method="in_person", reconfirm_by=date(2099, 1, 1)))
    commit(office)
    return mission


def edit_one_item(office: User, item: ProgrammeItem, round_: int) -> None:
    """The office moves one item to another place, through the operation and the one commit."""
    data = {key: getattr(item, key) for key in TEXT_FIELDS}
    data.update(location=f"Zaal {round_}", timezone=item.timezone, starts_at=local_naive(item.starts_at, item.timezone),
                ends_at=local_naive(item.ends_at, item.timezone), attendees=item.attendee_ids,
                participants=[p.id for p in item.participants])
    update_item(office, item, expected_version=item.version, **data)
    commit(office)


def timed(work, rounds: int) -> list[float]:
    timings = []
    for round_ in range(rounds):
        started = time.perf_counter()
        work(round_)
        timings.append(time.perf_counter() - started)
    return timings


def line(label: str, timings: list[float], n: int | None = None) -> str:
    best = min(timings)
    per_item = f", {best / n * 1000:.2f} ms per item" if n else ""
    return (f"{label:<34} {best * 1000:7.1f} ms best, {statistics.median(timings) * 1000:7.1f} ms median"
            f"{per_item}")


def main(sizes=(10, 100, 300), rounds: int = 5) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "SECRET_KEY": "bench",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.test_request_context():
        db.create_all()
        office = User(email="office@example.org", name="Bureau")
        office.password_hash = "-"  # nobody signs in
        office.set_roles([Role.PROTOCOL])
        db.session.add(office)
        commit(office)
        for n in sizes:
            mission = build(n, office)
            follow_all = timed(lambda _round: follow_missions(db.session, {mission.id}), rounds)
            db.session.rollback()
            item = db.session.scalars(mission_items(mission)).first()
            edit = timed(lambda round_: edit_one_item(office, item, round_), rounds)
            print(f"{n:>4} items: " + line("follow every item of the mission", follow_all, n))
            print(f"{'':>12}" + line("edit one item (update_item, commit)", edit))


def mission_items(mission: Mission):
    return db.select(ProgrammeItem).where(ProgrammeItem.mission_id == mission.id).order_by(ProgrammeItem.id)


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (10, 100, 300))
