"""Programme downloads (.ics), calendar feeds, and robots.txt."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime as http_date
from email.utils import parsedate_to_datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import cache as feed_cache
from .. import limits
from ..access import may
from ..auth import reconfirm
from ..auth.second_factor import qr_code
from ..disclosure import (
    DEFAULT_AUDIENCE,
    Audience,
    calendar_name,
    feed_audience_choices,
    shows_high_risk,
)
from ..extensions import db
from ..downloads import attachment, download_name, export_audience
from ..forms import ConfirmForm, parse_id, save_form
from ..shell import keep_on_get, loads
from ..missions.models import Mission
from ..partnerships.models import Partnership
from ..timeutil import now_utc, today_utc
from .forms import FeedForm
from .models import CalendarFeed, FeedKind
from .operations import create_feed, record_fetch, revoke_feed
from .programme import feed_ics, programme_ics
from .queries import FeedFacts, FeedScope, feed_answer, last_modified, unchanged_since

bp = Blueprint("calendar", __name__)

def _calendar_response(body: bytes) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    return response


@bp.route("/missions/<int:mission_id>/programme.ics", methods=["GET", "POST"])
@loads("mission")
def download(mission: Mission):
    """The programme as an .ics file, for an audience the user's role allows (default: delegation). One that shows
    an item in high-risk mode is made only after the user proved again who they are (a POST), and is audited."""
    audience = export_audience(current_user, request.args.get("audience"))
    if shows_high_risk(mission.items, audience):
        asked = reconfirm.gate(current_user, mission, f"ics:{audience.value}", _("Confirm and download"))
        if asked is not None:
            return asked
    body = programme_ics([mission], audience, current_user, calendar_name(mission, audience),
                         today=today_utc(), for_feed=False)
    return attachment(body, "text/calendar; charset=utf-8", download_name(mission, audience))


def _feed_url(token: str) -> tuple[str, str]:
    """The feed's address as the request came in (scheme and host; behind a proxy, as ``PROXY_FIX`` passes them on),
    and as ``webcal://``. An installation that marks its cookies secure is served over HTTPS whatever a proxy that
    is not trusted says: its addresses are always https, so that the token never travels in clear text."""
    scheme = "https" if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE") else request.scheme
    address = url_for("calendar.feed", token=token, _external=True, _scheme=scheme)
    return address, "webcal://" + address.split("://", 1)[1]


@bp.route("/calendar/feeds")
def feeds():
    """The user's feeds (administrators: everyone's), with creation date and last fetch."""
    stmt = select(CalendarFeed).order_by(CalendarFeed.id.desc())
    everyone = may(current_user, "manage everyone's feeds")
    if not everyone:
        stmt = stmt.where(CalendarFeed.owner_id == current_user.id)
    rows = db.session.scalars(stmt).all()
    missions = {m.id: m for m in db.session.scalars(select(Mission).where(
        Mission.id.in_({f.mission_id for f in rows if f.mission_id})))}
    partnerships = {p.id: p for p in db.session.scalars(select(Partnership).where(
        Partnership.id.in_({f.partnership_id for f in rows if f.partnership_id})))}
    form = FeedForm.for_user(current_user)
    return render_template("calendar/feeds.html", feeds=rows, everyone=everyone, missions=missions,
                           partnerships=partnerships, now=now_utc(), form=form,
                           audiences=feed_audience_choices(current_user),
                           default_audience=DEFAULT_AUDIENCE, confirm=ConfirmForm())


@bp.route("/calendar/feeds/new", methods=["POST"])
def create():
    """Create a feed and show its address once."""
    form = FeedForm.for_user(current_user)
    if not form.validate_on_submit():
        flash(form.refusal, "error")
        return redirect(url_for("calendar.feeds"))
    mission_id, partnership_id = parse_id(form.mission_id.data), parse_id(form.partnership_id.data)
    mission = db.session.get(Mission, mission_id) if mission_id else None
    partnership = db.session.get(Partnership, partnership_id) if partnership_id else None
    created = []
    if not save_form(None, lambda: created.append(create_feed(
        current_user, kind=form.kind.data, audience=form.audience.data, mission=mission, partnership=partnership,
    ))):
        return redirect(url_for("calendar.feeds"))
    [(feed, token)] = created
    address, webcal = _feed_url(token)
    return render_template("calendar/created.html", feed=feed, https=address, webcal=webcal, qr=qr_code(webcal))


@bp.route("/calendar/feeds/<int:feed_id>/revoke", methods=["GET", "POST"])
@loads("feed")
def revoke(feed: CalendarFeed):
    """Revoke a feed, after confirmation."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if save_form(None, lambda: revoke_feed(current_user, feed)):
            flash(_("The feed is revoked. Calendars subscribed to it no longer receive updates."), "success")
        return redirect(url_for("calendar.feeds"))
    return render_template(
        "confirm.html", form=form, title=_("Revoke this calendar feed?"),
        message=_("Every calendar subscribed to this address stops receiving the programme."),
        confirm_label=_("Revoke feed"), cancel_url=url_for("calendar.feeds"),
    )


@bp.route("/feeds/<token>.ics")
def feed(token: str):
    """A subscription feed. Unknown, revoked and expired tokens all get the same 404.

    The database alone decides the answer (``queries.feed_answer``): a conditional request that matches gets a 304
    from two queries (the feed with its owner, then its scope with the revisions), outside any transaction, and
    writes nothing. A full answer is the body kept under the ETag (``cache.py``), or else built and kept; either way
    the fetch is recorded.
    """
    now = now_utc()  # before anything is read (queries.last_modified)
    if not limits.feed_fetch_allowed(token):
        return Response("Too many requests\n", status=429, mimetype="text/plain",
                        headers={"Retry-After": "60", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                 "X-Robots-Tag": "noindex, nofollow"})
    answer = feed_answer(token, now)
    if answer is None:
        # The same short answer for unknown, revoked and expired tokens; nothing echoes the token back.
        return Response("Not found\n", status=404, mimetype="text/plain",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                 "X-Robots-Tag": "noindex, nofollow"})
    headers = _feed_headers(answer.etag, answer.latest_ms, now)
    if _not_modified(answer.etag, answer.latest_ms):
        return Response(status=304, headers=headers)
    body = feed_cache.get(answer.etag, request.host_url)
    if body is None:
        feed = answer.feed  # its owner's rights, as just read, decide what it shows (real names)
        body = feed_ics(answer.scope.mission_ids, answer.audience or Audience.PUBLIC, feed.owner,
                        _feed_name(feed, answer.scope), today=now.date(),
                        with_reminders=feed.kind == FeedKind.ORGANISATION and answer.audience is not None)
        feed_cache.put(answer.etag, request.host_url, body)
    record_fetch(answer.feed.id, request.remote_addr or "", request.headers.get("User-Agent", ""))
    keep_on_get()  # a full fetch is recorded (time, address): committed with the answer
    response = _calendar_response(body)
    response.headers.update(headers)
    return response


def _feed_headers(etag: str, latest_ms: int, now: datetime) -> dict[str, str]:
    """What every answer of a feed carries: its validators, and that it is private, unreferred and unindexed."""
    return {
        "ETag": f'"{etag}"',
        "Cache-Control": "private, max-age=0, must-revalidate",
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow",
        "Last-Modified": http_date(last_modified(latest_ms, now), usegmt=True),
    }


def _not_modified(etag: str, latest_ms: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        # Weak comparison (RFC 9110 13.1.2): a proxy that compresses the body sends our tag back as W/"...".
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return f'"{etag}"' in tags or if_none_match.strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return unchanged_since(latest_ms, parsedate_to_datetime(since))
        except (TypeError, ValueError, OverflowError):
            return False
    return False


def _feed_name(feed: FeedFacts, scope: FeedScope) -> str:
    """The calendar's name. It names a mission or partnership only while it is in the feed's scope: someone taken
    out of a delegation learns nothing more of it (not even a new title), and the ETag covers all a name shows."""
    if feed.kind == FeedKind.MISSION and feed.mission_id in scope.mission_ids:
        return _("Programme: %(title)s", title=db.session.get(Mission, feed.mission_id).title)
    if feed.kind == FeedKind.PARTNERSHIP and any(p[0] == feed.partnership_id for p in scope.partnerships):
        return _("Programme: %(title)s", title=db.session.get(Partnership, feed.partnership_id).label)
    if feed.kind == FeedKind.PERSON:
        return _("My missions")
    if feed.kind == FeedKind.ORGANISATION:
        return _("All missions")
    return _("Programme")


@bp.route("/robots.txt")
def robots():
    """Keep crawlers away from feeds (and everything else: nothing here is for search engines)."""
    return Response("User-agent: *\nDisallow: /feeds/\nDisallow: /\n", mimetype="text/plain")
