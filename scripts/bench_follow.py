"""Benchmark: what following the calendars costs a write (``visitplanner/calendar/following.py``).

Builds a mission of N items (two attendees and one consenting participant each) in an in-memory SQLite database
and times ``follow_missions`` over it, the work every write to that mission does once. A benchmark, not a test:
nothing is asserted; run ``make bench`` and compare with the figure in docs/engineers.md (Performance).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, datetime, timedelta

from visitplanner import create_app
from visitplanner.extensions import db


def build(n: int):
    from visitplanner.itinerary.models import ProgrammeItem
    from visitplanner.missions.models import DelegationMember, Mission
    from visitplanner.participants.models import ConsentRecord, Participant
    from visitplanner.partnerships.models import Partnership
    from visitplanner.timeutil import to_utc

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
    db.session.commit()
    return mission


def main(sizes=(10, 100, 300), rounds: int = 5) -> None:
    from visitplanner.calendar.following import follow_missions

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "SECRET_KEY": "bench",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        db.create_all()
        for n in sizes:
            mission = build(n)
            timings = []
            for _ in range(rounds):
                started = time.perf_counter()
                follow_missions(db.session, {mission.id})
                timings.append(time.perf_counter() - started)
            db.session.rollback()
            best = min(timings)
            print(f"{n:>4} items: {best * 1000:7.1f} ms best, {statistics.median(timings) * 1000:7.1f} ms median, "
                  f"{best / n * 1000:.2f} ms per item")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (10, 100, 300))
