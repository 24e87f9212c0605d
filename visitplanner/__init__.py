"""visitplanner: delegation visits with human rights at their centre.

The application factory sits above every layer (``docs/engineers.md``, "Layers"): it imports the blueprints, the
request shell and the command line at the top of this module, and nothing in the package imports it back (areas
import ``..extensions``, never the root), so no import waits inside a function.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from io import BytesIO

from flask import Flask, Request, current_app, flash, has_request_context, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import cache as feed_cache
from . import crypto, formatting, limits, shell, timeutil
from .theme import build_theme
from . import models  # noqa: F401  (every mapper known before first use)
from .access import allows, enforce_access, may, roles_allowed
from .admin.views import bp as admin_bp
from .audit.labels import action_label, audit_value, entry_label, field_label, use_column_labels, use_references
from .auth import sessions
from .auth.models import User
from .auth.views import bp as auth_bp
from .calendar.views import bp as calendar_bp
from .companies.views import bp as companies_bp
from .contacts.views import bp as contacts_bp
from .cli import register as register_commands
from .config import build_config, create_sqlite_file_privately
from .extensions import babel, csrf, db, login_manager, migrate
from .facts import audit_labels
from .followup.views import bp as followup_bp
from .stakeholders.views import bp as stakeholders_bp
from .forms import MAX_ID
from .itinerary.views import bp as itinerary_bp
from .library.views import bp as library_bp
from .logmask import install as mask_feed_tokens_in_logs
from .logmask import is_other_spelling_of_a_feed
from .main.views import bp as main_bp
from .messages import shown, use_labels
from .missions.views import bp as missions_bp
from .notices.views import bp as notices_bp
from .participants.views import bp as participants_bp
from .partnerships.models import FocalTheme, Objective, Partnership
from .partnerships.views import bp as partnerships_bp
from .readiness.checks import check_title
from .readiness.views import bp as readiness_bp
from .revisions import TrackedSession

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(name: str) -> str:
    """``templates`` and ``migrations`` live at the top of the source tree and inside an installed wheel."""
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return str(inside)
    return str(PACKAGE_DIR.parent / name)


def create_app(config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """The application factory."""
    app = Flask(
        __name__, template_folder=_resource_dir("templates"), instance_path=instance_path,
        instance_relative_config=True,
    )
    app.request_class = UploadsInMemory
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path))
    if config:
        app.config.update(config)
    # The house style: a setting that cannot be used stops the start, as a key that does not fit does.
    app.extensions["visitplanner.theme"] = build_theme(app.config, app.instance_path)
    # Before anything connects: the database holds personal data, its files are for the service account only.
    create_sqlite_file_privately(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
    if app.config.get("PROXY_FIX"):
        # Behind a TLS-terminating proxy: trust one hop for the client address, scheme and host.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    register_extensions(app)
    crypto.init_app(app)  # before anything is served: refuses to start when the keys do not fit the data
    register_converters(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    shell.register(app)  # views never commit: what a request changed is committed once it answered
    register_security_headers(app)
    register_literal_feed_paths(app)
    register_cli(app)
    mask_feed_tokens_in_logs()
    return app


def select_locale() -> str:
    lang = session.get("lang") if has_request_context() else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def register_extensions(app: Flask) -> None:
    # Each flush notes the roots of the rows it writes; visitplanner/commit.py follows them at the one commit.
    db.session.session_factory.class_ = TrackedSession
    db.init_app(app)
    migrate.init_app(app, db, directory=_resource_dir("migrations"), render_as_batch=True)
    # The access check runs before the CSRF check: a refused role learns nothing more.
    app.before_request(enforce_access)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limits.init_app(app)
    feed_cache.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        ended = None if user is None or not user.active else sessions.holds(user)
        if user is None or not user.active or ended:
            # Signed out for good: enabling the account again must not revive this session.
            sessions.forget()
            if ended:
                flash(ended, "info")
            return None
        return user


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, write-ahead log, wait instead of failing when busy."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_converters(app: Flask) -> None:
    """``<int:…>`` in a route accepts only ids the database can hold: a larger number is a 404, not a 500."""
    from werkzeug.routing import IntegerConverter

    class IdConverter(IntegerConverter):
        def __init__(self, url_map, *args, **kwargs):
            kwargs.setdefault("max", MAX_ID)
            super().__init__(url_map, *args, **kwargs)

    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    for bp in (main_bp, auth_bp, admin_bp, partnerships_bp, missions_bp, itinerary_bp, participants_bp,
               readiness_bp, calendar_bp, followup_bp, stakeholders_bp, contacts_bp, companies_bp, library_bp,
               notices_bp):
        app.register_blueprint(bp)


def register_template_helpers(app: Flask) -> None:
    use_column_labels(audit_labels(column for table in db.metadata.sorted_tables for column in table.columns))
    # for pages, exports and the command line
    use_labels(field=field_label, value=audit_value, check=check_title, moment=formatting.shown_moment)
    use_references({
        "user_id": _name_of(User, "name"),
        "owner_id": _name_of(User, "name"),
        "partnership_id": _name_of(Partnership, "label"),
        "focal_theme_id": _name_of(FocalTheme, "label"),
        "objective_id": _name_of(Objective, "label"),
    })
    app.jinja_env.filters["shown"] = shown
    app.jinja_env.globals.update(
        may_use=lambda endpoint: allows(current_user, endpoint),
        may=lambda decision: may(current_user, decision),
        who_may_use=lambda endpoint: ", ".join(str(role.label) for role in roles_allowed(endpoint)),
        action_label=action_label,
        audit_value=audit_value,
        field_label=field_label,
        entry_label=entry_label,
        format_date=formatting.format_date,
        format_time=formatting.format_time,
        format_datetime=formatting.format_datetime,
        format_day=formatting.format_day,
        time_span=formatting.time_span,
        shows_home_time=formatting.shows_home_time,
        zone_label=formatting.zone_label,
        zone_label_on=timeutil.zone_label_on,
        zone_periods=timeutil.zone_periods,
        current_language=select_locale,
        house_style=app.extensions["visitplanner.theme"],
    )


def _name_of(model, attribute: str):
    """How the audit log names a record it holds the id of: by ``attribute``; None when it is no longer there."""
    def name(record_id: int) -> str | None:
        row = db.session.get(model, record_id)
        return None if row is None else str(getattr(row, attribute))
    return name


class UploadsInMemory(Request):
    """A request whose uploaded files are read into memory, never written to a temporary file on disk: the one upload
    (a calendar file to import) is small, and every request is bounded by ``MAX_CONTENT_LENGTH``."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return BytesIO()


def register_error_handlers(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        db.session.rollback()  # an error page keeps nothing the request did (shell.py)
        return render_template("error.html", code=code, title=title, message=message), code

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("The form could not be accepted"), _(
            "The form had expired or was sent from elsewhere. Go back, reload the page and try again."
        ))

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("No access"), _("Your role does not give access to this page."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Page not found"), _("This page does not exist, or you have no access to it."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page(405, _("Not allowed"), _("This page cannot be used in this way."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("Too large"), _(
            "What was sent is larger than this application accepts, and nothing of it was kept. A calendar file to "
            "import may be at most 1 MB: import a calendar of the visit only."
        ))

    @app.errorhandler(500)
    def server_error(error):
        session.pop("_flashes", None)  # nor a message that says it was saved
        return page(500, _("Something went wrong"), _("Nothing was saved. Please try again later."))


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; frame-ancestors 'none'"
        )
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config.get("SESSION_COOKIE_SECURE"):
            # Served over HTTPS only: browsers must never try plain HTTP again (a year; every subdomain is ours).
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_literal_feed_paths(app: Flask) -> None:
    """A feed is served at the literal ``/feeds/<token>.ics`` only: the server decodes ``/%66eeds/…`` or
    ``/feeds%2F…`` to the same route, and such a spelling is answered as an unknown token is (``logmask.py``)."""
    from flask import Response

    @app.before_request
    def literal_feed_paths_only():
        # The request target as sent: gunicorn passes RAW_URI, werkzeug both, mod_wsgi and uWSGI REQUEST_URI.
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
        if raw and is_other_spelling_of_a_feed(raw, request.script_root):
            return Response("Not found\n", status=404, mimetype="text/plain",
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                     "X-Robots-Tag": "noindex, nofollow"})
        return None


def register_cli(app: Flask) -> None:
    register_commands(app)
