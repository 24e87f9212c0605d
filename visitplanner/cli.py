"""Command-line tools: ``flask --app visitplanner users create``, ``demo``, ``demo-code``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pyotp
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from . import cache as feed_cache
from .audit.operations import record
from .auth.models import Role, User
from .auth.operations import create_user
from .auth.second_factor import DRIFT
from .backup import BackupError, backup, restore
from .calendar.following import follow_by_date, rekey
from .calendar.operations import FETCHES_KEPT, forget_old_fetches, old_fetches
from .calendar.programme import programme_ics
from .commit import commit
from .crypto import Keyring, key_id, keys_in_use, new_key, not_current, parse_keys, reencrypt_batch, write_key_file
from .demo import ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, SECOND_FACTOR_ROLES, is_demo_account, load_demo
from .disclosure import Audience, calendar_name, kept_out_of_feeds
from .errors import RuleViolation
from .extensions import db
from .messages import shown
from .missions.models import MissionStatus
from .missions.queries import mission_for_page, missions_for_checklist
from .notices.due import write_due
from .notices.operations import NOTICES_KEPT, forget_old_notices, old_notices
from .notices.sending import MailServer, MailSettingError, send_due
from .participants.retention import pseudonymise_due, pseudonymise_stakeholders, retention_days
from .privacy.commands import privacy
from .readiness.checks import Status, run_checks
from .readiness.operations import context, settle
from .timeutil import clock, now_utc, today_utc


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(demo_code)
    app.cli.add_command(checklist)
    app.cli.add_command(export_ics)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(forget_cache_command)
    app.cli.add_command(keys)
    app.cli.add_command(retention_command)
    app.cli.add_command(notify_command)
    app.cli.add_command(privacy)


@click.group(cls=AppGroup, help="Manage accounts.")  # AppGroup: every subcommand runs in an app context
def users() -> None:
    pass


@users.command("create", help="Create an account. The password is asked for unless --password-stdin is given.")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]),
              help="A role; repeat for several.")
@click.option("--name", default=None, help="Full name (default: the part of the e-mail address before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, roles: tuple[str, ...], name: str | None, password_stdin: bool) -> None:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(None, email=email, name=name or email.split("@")[0], password=password, roles=roles)
    except RuleViolation as violation:
        db.session.rollback()
        raise click.ClickException(violation.message) from None
    commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(roles))}")


@users.command("list", help="List accounts and their roles.")
def list_users_command() -> None:
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{state}\t{', '.join(sorted(user.role_names))}")


@click.command(help="Load the fictional demo data set into an empty database.")
@with_appcontext
def demo() -> None:
    if db.session.scalar(select(func.count(User.id))):
        click.echo("The database already holds data; the demo data set was not loaded.")
    else:
        accounts = load_demo()
        commit()
        click.echo("Demo data loaded.")
        click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
        coded = {email for email, _, roles in ACCOUNTS if SECOND_FACTOR_ROLES & set(roles)}
        for email, role in accounts:
            click.echo(f"  {email:<26} {role}{'  (then asks for a code)' if email in coded else ''}")
        click.echo(f"The accounts marked ask for a code after the password: add the demo key {DEMO_TOTP_SECRET} to an "
                   "authenticator app, or print the current code with `flask --app visitplanner demo-code EMAIL`.")


@click.command("demo-code", help="Print the code an authenticator app with the demo key shows now, for a demo "
                                 "account that signs in with one (advisor, approver, administrator). Refuses any "
                                 "other account: it works only for the published demo key.")
@click.argument("email")
@with_appcontext
def demo_code(email: str) -> None:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is not None and user.totp_secret is None and user.email in {e for e, _, _ in ACCOUNTS}:
        raise click.ClickException(f"{user.email} signs in with the password alone; no code is asked.")
    if user is None or not is_demo_account(user):
        raise click.ClickException(f"{email} is no demo account with the demo key: codes are printed for the demo "
                                   "data only.")
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    now = totp.timecode(clock.timestamp())
    # A code opens an account once: when the current one was used, the next is printed (accepted a step early).
    step = max(now, (user.totp_last_step or 0) + 1)
    click.echo(totp.generate_otp(step))
    if step > now + DRIFT:
        click.echo("The codes before it were used already; this one is accepted within a minute.", err=True)


@click.command(help="Apply what lapsed by date (sign-offs of missions whose consent or safety no longer holds "
                    "are voided; calendars drop names whose consent lapsed, with a higher SEQUENCE), then print the readiness checks of missions (all when none is given). "
                    "Exits 1 when a listed mission that is not cancelled has a failing check. Meant for cron.")
@click.argument("mission_ids", nargs=-1, type=int)
@with_appcontext
def checklist(mission_ids: tuple[int, ...]) -> None:
    today = today_utc()
    missions = missions_for_checklist(list(mission_ids) or None)
    unknown = set(mission_ids) - {m.id for m in missions}
    if unknown:
        raise click.ClickException(f"No mission with id {', '.join(map(str, sorted(unknown)))}.")
    failed = False
    if follow_by_date(db.session(), {m.id for m in missions}):
        commit()
    for mission in missions:
        if settle(mission, today):
            commit()
            click.echo(f"Mission {mission.id}: sign-off voided. {shown(mission.attention_reason)}")
        click.echo(f"Mission {mission.id}: {mission.title} [{mission.status}]")
        for result in run_checks(mission, context(today)):
            click.echo(f"{result.status.value} {result.name}: {result.reason}")
            if result.status == Status.FAIL and mission.status != MissionStatus.CANCELLED:
                failed = True
        click.echo("")
    sys.exit(1 if failed else 0)


@click.command("export-ics", help="Write a mission's programme as an iCalendar file to standard output.")
@click.argument("mission_id", type=int)
@click.option("--audience", type=click.Choice(["internal", "delegation", "travel", "partner", "public"]),
              default="delegation", show_default=True, help="Who the file is made for.")
@with_appcontext
def export_ics(mission_id: int, audience: str) -> None:
    mission = mission_for_page(mission_id)
    if mission is None:
        raise click.ClickException(f"No mission with id {mission_id}.")
    chosen = Audience(audience)
    # The command line acts for the office, without a person who proved who they are: real names never go into the
    # file, nor anything high-risk mode keeps out of feeds. Audited, as a download is.
    body = programme_ics([mission], chosen, None, calendar_name(mission, chosen),
                         today=today_utc(), for_feed=False, high_risk=False)
    left_out = sum(1 for item in mission.items if item.removed_at is None and kept_out_of_feeds(item))
    record(None, "programme.export_cli", mission, label=mission.title, mission_id=mission.id,
           partnership_id=mission.partnership_id,
           changes={"export": [None, f"ics:{chosen.value}"], "left_out": [None, left_out]})
    commit()
    sys.stdout.buffer.write(body)
    sys.stdout.flush()


@click.command("backup", help="Write a backup of the whole database to PATH (a new file): pg_dump for PostgreSQL, "
                              "the online backup API for SQLite. It holds real names: keep it encrypted and apart.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    try:
        backup(path)
    except BackupError as problem:
        raise click.ClickException(str(problem)) from None
    record(None, "database.backup", None, label=path.name)
    commit()
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@click.command("restore", help="Replace the whole database with the backup in PATH. Stop the application first.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    if not yes:
        click.confirm(f"Replace everything in the database with {path}? What was written since it was taken is lost",
                      abort=True)
    try:
        restore(path)
    except BackupError as problem:
        raise click.ClickException(str(problem)) from None
    record(None, "database.restore", None, label=path.name)
    commit()
    click.echo(f"Database restored from {path}. Run `flask --app visitplanner db upgrade` if it is from an older "
               "version, then `flask --app visitplanner checklist`.")


@click.command("forget-cache", help="Forget every kept feed body and dashboard result, in Redis (CACHE_URL) or the "
               "folder cache: run it after changing the database around the application, or after Redis was "
               "unreachable during an erasure.")
@with_appcontext
def forget_cache_command() -> None:
    feed_cache.clear()
    click.echo("Every kept feed body and dashboard result is forgotten; they are made again as needed.")


@click.group(cls=AppGroup, help="The keys personal data is encrypted under at rest.")
def keys() -> None:
    pass


@keys.command("generate", help="Print a new key, for DATA_KEY (put it first; keep the old keys after it).")
def generate_key_command() -> None:
    click.echo(new_key())


@keys.command("rotate", help="Re-encrypt all personal data under a new key. With the key file, the new key is "
                             "made here; with DATA_KEY, put a new key first in DATA_KEY and restart before. "
                             "Resumable: run it again after an interruption, or after --limit, to go on.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Stop after re-encrypting this many values (run again to go on).")
def rotate_keys_command(limit: int | None) -> None:
    ring: Keyring = current_app.extensions["data_keys"]
    key_file = Path(ring.source) if ring.source != "DATA_KEY" else None
    if not not_current(ring):  # nothing left under an older key: this run starts a new rotation
        if key_file is None:
            raise click.ClickException(
                f"Everything is already encrypted under the current key {ring.current}. DATA_KEY is set: put a new "
                "key (`flask --app visitplanner keys generate`) first in DATA_KEY, keep the old ones after it, "
                "restart, and run `keys rotate` again.")
        written = [new_key()] + key_file.read_text().split()
        write_key_file(key_file, written)
        previous, ring = ring.current, Keyring.of(parse_keys("\n".join(written), str(key_file)), str(key_file))
        current_app.extensions["data_keys"] = ring
        record(None, "keys.rotate_start", None, changes={"key": [previous, ring.current]})
        commit()
        click.echo(f"New key {ring.current} is current.")
    done = 0
    while limit is None or done < limit:
        batch = reencrypt_batch(ring, 200 if limit is None else min(200, limit - done))
        commit()  # each batch stands: an interruption loses nothing, a new run goes on
        done += batch
        if not batch:
            break
    left = not_current(ring)
    if left:
        click.echo(f"Re-encrypted {done} values under key {ring.current}; {left} are left: run `keys rotate` again.")
        return
    # What calendars were shown is kept as digests under a key derived from the data key: under the new one now,
    # without a calendar noticing anything.
    rekeyed = rekey(db.session)
    record(None, "keys.rotate", None, changes={"key": [None, ring.current], "values": [None, done],
                                               "digests": [None, rekeyed]})
    commit()
    # The old keys stay: workers started before the rotation still encrypt under theirs until they restart.
    click.echo(f"Re-encrypted {done} values; everything is under key {ring.current} now. Restart the application "
               "(its workers still write under the key they started with), run `keys rotate` once more for what "
               "they wrote meanwhile, then `keys prune` to drop the keys nothing uses any more.")


@keys.command("prune", help="Drop from the key file the keys no value in the database is encrypted under (after "
                            "`keys rotate` and a restart of the application). Keeps the current key always.")
def prune_keys_command() -> None:
    ring: Keyring = current_app.extensions["data_keys"]
    used = keys_in_use(db.engine) | {ring.current}
    if ring.source == "DATA_KEY":
        unused = sorted(set(ring.keys) - used)
        click.echo(f"DATA_KEY is set: remove the keys {', '.join(unused)} from it yourself." if unused
                   else "Every key in DATA_KEY is in use.")
        return
    key_file = Path(ring.source)
    lines = key_file.read_text().split()
    kept = [line for line in lines if key_id(parse_keys(line, str(key_file))[0]) in used]
    dropped = sorted({key_id(parse_keys(line, str(key_file))[0]) for line in lines} - used)
    if not dropped:
        click.echo("Every key in the key file is in use; nothing dropped.")
        return
    write_key_file(key_file, kept)
    current_app.extensions["data_keys"] = Keyring.of(parse_keys("\n".join(kept), str(key_file)), str(key_file))
    record(None, "keys.prune", None, changes={"key": [dropped, None]})
    commit()
    click.echo(f"Dropped the keys {', '.join(dropped)}, which nothing uses; keep a copy with the backups made under "
               "them.")


@click.command("retention", help="Pseudonymise the civil-society participants whose retention period has passed "
                                 "(real name, contact details and notes removed; alias and facts kept), and delete "
                                 "the records of feed fetches older than 90 days and the notices older than 180 "
                                 "days. Audited; meant for cron.")
@click.option("--dry-run", is_flag=True, help="Only list who would be pseudonymised and count what would go.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    due = pseudonymise_due(today_utc(), dry_run)
    for entry in due:
        ended = entry.last_mission_end.isoformat() if entry.last_mission_end else "no mission"
        click.echo(f"{'would pseudonymise' if dry_run else 'pseudonymised'} {entry.participant.alias} "
                   f"(last mission ended {ended}, due {entry.due_on.isoformat()})")
    organisations = pseudonymise_stakeholders(today_utc(), dry_run)
    for stakeholder in organisations:
        click.echo(f"{'would pseudonymise' if dry_run else 'pseudonymised'} organisation {stakeholder.alias}")
    fetches = old_fetches(now_utc()) if dry_run else forget_old_fetches(now_utc())
    notices = old_notices(now_utc()) if dry_run else forget_old_notices(now_utc())
    if dry_run:
        db.session.rollback()
    else:
        commit()
    people = "participant" if len(due) == 1 else "participants"
    click.echo(f"{len(due)} {people} {'due' if dry_run else 'pseudonymised'}; retention period "
               f"{retention_days()} days.")
    click.echo(f"{len(organisations)} protected organisation(s) of the register "
               f"{'due' if dry_run else 'pseudonymised'}.")
    records = "record" if fetches == 1 else "records"
    click.echo(f"{fetches} feed fetch {records} older than {FETCHES_KEPT.days} days "
               f"{'due' if dry_run else 'deleted'}.")
    click.echo(f"{notices} notice(s) older than {NOTICES_KEPT.days} days {'due' if dry_run else 'deleted'}.")


@click.command("notify", help="Write the notices that fall due by date (consents and safety assessments ending, "
                              "follow-ups due, calendar feeds expiring), each once, then send every notice that is "
                              "due by e-mail (MAIL_URL); a refused one is tried again later. Without MAIL_URL, "
                              "notices are only shown in the application. Meant for cron, every few minutes.")
@with_appcontext
def notify_command() -> None:
    written = write_due(today_utc(), now_utc())
    commit()
    click.echo(f"{written} notice(s) written that fell due by date.")
    url = current_app.config["MAIL_URL"]
    if not url:
        click.echo("MAIL_URL is not set: notices are shown in the application only.")
        return
    try:
        server = MailServer.from_url(url)
    except MailSettingError as problem:
        raise click.ClickException(str(problem)) from None
    outcome = send_due(server)
    click.echo(f"{outcome.sent} notice(s) sent; {outcome.failed} to try again later"
               + (f" ({', '.join(outcome.problems)})." if outcome.problems else "."))
