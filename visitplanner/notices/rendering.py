"""What a notice says, in its person's language: a subject, a plain-text body and the link, from fixed wording per
kind (``templates/notices/mail/<kind>.txt``, extending ``base.txt``).

The wording is filled with the notice's parameters only (dates, counts, flags and role codes, ``operations.plain``),
and with the links: nothing else reaches a template (``VARIABLES``; ``tests/notices`` reads every template's
variables and holds them to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import force_locale
from jinja2 import Template

from ..formatting import format_date
from .models import Notice, NoticeKind

#: Where a notice's wording is.
TEMPLATE = "notices/mail/{kind}.txt"
#: What every kind's wording may use besides its parameters: the translation functions and the links.
COMMON = frozenset({"_", "gettext", "ngettext", "link", "settings_link"})
#: The parameters each kind is written with (``operations.py``): dates, counts, flags.
PARAMETERS: dict[NoticeKind, frozenset[str]] = {
    NoticeKind.SIGNOFF_REQUESTED: frozenset({"starts_on", "ends_on"}),
    NoticeKind.SIGNOFFS_VOIDED: frozenset({"starts_on", "ends_on", "count"}),
    NoticeKind.CONSENT_ENDING: frozenset({"ends_on", "meeting_on"}),
    NoticeKind.ASSESSMENT_ENDING: frozenset({"ends_on", "meeting_on"}),
    NoticeKind.FOLLOW_UP_DUE: frozenset({"due_on", "overdue"}),
    NoticeKind.MISSION_FINALISED: frozenset({"starts_on", "ends_on"}),
    NoticeKind.FEED_EXPIRING: frozenset({"expires_on"}),
}
#: Every name a kind's wording may read.
VARIABLES = {kind: COMMON | names for kind, names in PARAMETERS.items()}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    link: str


def _shown(params: dict[str, Any]) -> dict[str, Any]:
    """Dates (the parameters named ``…_on``) in the reader's language ("7 dec. 2026"); numbers and flags as they
    are."""
    shown = {}
    for name, value in params.items():
        if name.endswith("_on") and value:
            value = format_date(date.fromisoformat(value))
        shown[name] = value
    return shown


def _values(kind: NoticeKind, params: dict[str, Any]) -> dict[str, Any]:
    """The kind's parameters, each there (None when the notice has none of it)."""
    return {name: params.get(name) for name in PARAMETERS[kind]}


def _template(kind: NoticeKind) -> Template:
    return current_app.jinja_env.get_template(TEMPLATE.format(kind=kind.value))


def base_url() -> str:
    """Where the application is reached, for links in e-mail (``BASE_URL``)."""
    return current_app.config["BASE_URL"]


def absolute(endpoint: str, values: dict[str, Any]) -> str:
    """The address of ``endpoint`` under ``BASE_URL``, built without a request (e-mail is sent from cron)."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def subject_of(notice: Notice) -> str:
    """The notice's subject in the language of the page being shown (its person's list of notices)."""
    kind = notice.notice_kind
    template = _template(kind)
    context = template.new_context({**_shown(_values(kind, notice.params)), "link": "", "settings_link": ""})
    return "".join(template.blocks["subject"](context)).strip()


def link_of(notice: Notice) -> str:
    """The page the notice leads to, as a path on this site (for the list of notices)."""
    return url_for(notice.link_endpoint, **notice.link_values)


def render(notice: Notice) -> Rendered:
    """The e-mail of ``notice``: in its person's language, with absolute links."""
    kind = notice.notice_kind
    link = absolute(notice.link_endpoint, notice.link_values)
    with force_locale(notice.user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        template = _template(kind)
        variables = {**_shown(_values(kind, notice.params)), "link": link,
                     "settings_link": absolute("notices.settings", {})}
        subject = "".join(template.blocks["subject"](template.new_context(variables))).strip()
        body = template.render(variables)
    return Rendered(" ".join(subject.split()), body.strip() + "\n", link)
