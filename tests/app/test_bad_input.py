"""Bad input from forms, URLs and query strings gets a clear 4xx or a form error and changes nothing: never a 500.

Targeted cases first (the ones that used to reach PostgreSQL: ids beyond 32 bits, NUL characters, lengths beyond a
column, the same thing created twice at once), then a property-based sweep with Hypothesis over every form and
every GET route that takes an id, as every role that may use it.
"""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from support.accounts import PASSWORD, Auth
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from visitplanner import forms as shared_forms
from visitplanner.access import ACCESS, PUBLIC, SIGNED_IN
from visitplanner.auth.models import Role
from visitplanner.extensions import db
from visitplanner.missions.models import Company

NUL = "\x00"


def snapshot(app) -> dict:
    """Every row of every table, to tell whether a refused request changed anything."""
    rows = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows[table.name] = sorted(map(repr, conn.execute(table.select()).all()))
    return rows


def errors(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", html))


# ---- ids and numbers beyond what the database holds ---------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/missions/2147483648", "/missions/99999999999999999999", "/items/2147483648/edit",
    "/participants/9223372036854775808", "/partnerships/2147483648", "/missions/2147483648/programme.ics",
])
def test_an_id_beyond_32_bits_is_a_404(dataset, signed_in, path):
    client = signed_in(Role.ADMIN, Role.ADVISOR, Role.PROTOCOL)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "2147483648", "-3", "0", "abc", "1e9", "\u0663"])
def test_the_audit_log_page_number_is_bounded(dataset, signed_in, page):
    client = signed_in(Role.ADMIN)
    response = client.get(f"/admin/audit?page={page}")
    assert response.status_code == 200


def test_a_feed_form_naming_a_mission_beyond_32_bits_is_refused_with_a_message(app, dataset, signed_in):
    client = signed_in(Role.PROTOCOL)
    before = snapshot(app)
    response = client.post("/calendar/feeds/new", data={"kind": "mission", "audience": "delegation",
                                                         "mission_id": "99999999999999999999"})
    assert response.status_code == 302
    assert "Choose a mission you take part in." in errors(client.get("/calendar/feeds").get_data(as_text=True))
    assert snapshot(app) == before


# ---- control characters and lengths --------------------------------------------------------------------------


@pytest.mark.parametrize("where, data", [
    ("/missions/{mission_id}/companies/new", {"name": f"Water{NUL}bedrijf", "sector": "", "contact": ""}),
    ("/participants/new", {"real_name": f"Wang{NUL}Li", "alias": "", "kind": "defender", "at_risk": "y"}),
    ("/admin/users/new", {"email": "nul@example.org", "name": f"N{NUL}", "roles": ["approver"], "active": "y",
                          "password": "a-long-enough-password-42"}),
    ("/missions/{mission_id}/items/new", {"kind": "meal", "title": "Lunch", "timezone": "Asia/Shanghai",
                                          "starts_at": "2027-04-13T12:00", "ends_at": "2027-04-13T13:00",
                                          "visibility": "internal", "description": f"Met{NUL}tolk"}),
])
def test_a_nul_character_in_a_field_is_refused_at_the_field_and_nothing_is_saved(
    app, dataset, signed_in, where, data
):
    client = signed_in(Role.ADMIN, Role.ADVISOR, Role.PROTOCOL)
    before = snapshot(app)
    response = client.post(where.format(mission_id=dataset.mission_id), data=data)
    assert response.status_code == 200
    assert "Remove the control characters (invisible codes such as NUL) from this field." in errors(
        response.get_data(as_text=True))
    assert snapshot(app) == before


def test_line_breaks_and_tabs_stay_welcome_in_a_text_area_but_not_in_a_line(dataset, signed_in):
    client = signed_in(Role.PROTOCOL)
    page = f"/missions/{dataset.mission_id}/items/new"
    base = {"kind": "meal", "timezone": "Asia/Shanghai", "starts_at": "2027-04-13T12:00",
            "ends_at": "2027-04-13T13:00", "visibility": "internal"}
    assert client.post(page, data={**base, "title": "Lunch", "description": "Eerst:\n\tsoep\r\ndan rijst"}
                       ).status_code == 302
    refused = client.post(page, data={**base, "title": "Lunch\nmet gasten"})
    assert refused.status_code == 200 and "Remove the control characters" in errors(refused.get_data(as_text=True))


def form_classes():
    found = set()
    pending = [shared_forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            found.add(sub)
            pending.append(sub)
    return sorted(found, key=lambda c: c.__qualname__)


#: The table each form writes to: a field of the same name as a column may hold no more than the column.
FORM_TABLES = {
    "UserForm": "users", "NewUserForm": "users", "LoginForm": "users", "ParticipantForm": "participants",
    "ConsentForm": "consent_records", "WithdrawForm": "consent_records", "AssessmentForm": "safety_assessments",
    "PartnershipForm": "partnerships", "AdviceForm": "partnerships", "DossierEntryForm": "dossier_entries",
    "ObjectiveForm": "objectives", "OutcomeForm": "meeting_outcomes", "FollowUpForm": "follow_ups",
    "EvaluationForm": "evaluations", "ItemForm": "programme_items", "MissionForm": "missions",
    "MemberForm": "delegation_members", "CompanyForm": "companies", "CompanyRecordForm": "companies",
    "ConfirmCheckForm": "manual_confirmations", "ContactForm": "contacts", "EntryForm": "talking_point_versions",
    "PolicyForm": "own_policy_versions", "NoticeChoicesForm": "notice_opt_outs", "ImportForm": "programme_items",
    "ImportConfirmForm": "programme_items",
}


def test_every_text_field_has_a_maximum_length_within_its_column(app):
    problems = []
    with app.test_request_context():
        for cls in form_classes():
            form = cls(meta={"csrf": False})
            table = db.metadata.tables.get(FORM_TABLES.get(cls.__name__, ""))
            for field in form:
                if not isinstance(field, (StringField, TextAreaField)) or field.type == "HiddenField":
                    continue
                maximum = next((v.max for v in field.validators if isinstance(v, Length) and v.max > 0), None)
                if maximum is None:
                    problems.append(f"{cls.__name__}.{field.name}: no maximum length")
                    continue
                column = table.columns.get(field.name) if table is not None else None
                limit = getattr(column.type, "length", None) if column is not None else None
                if limit is not None and maximum > limit:
                    problems.append(f"{cls.__name__}.{field.name}: {maximum} > column {limit}")
    assert not problems, problems


# ---- the same thing created twice at the same moment -----------------------------------------------------------


def test_twenty_identical_creates_at_once_give_one_success_and_clear_refusals(app, dataset, account):
    """Twenty people add the same company to a mission at the same moment: one is saved, the others are told."""
    from werkzeug.serving import make_server

    email = account(Role.PROTOCOL)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    statuses, problems, barrier = [], [], threading.Barrier(20)

    def add():
        import http.cookiejar
        import urllib.error
        import urllib.parse
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect,
                                             urllib.request.ProxyHandler({}))
        base = f"http://127.0.0.1:{server.server_port}"
        post = lambda path, data: opener.open(base + path, urllib.parse.urlencode(data, doseq=True).encode(),  # noqa: E731
                                              timeout=30)
        try:
            try:
                post("/login", {"email": email, "password": PASSWORD})
            except urllib.error.HTTPError as redirect:
                assert redirect.code == 302
            barrier.wait()
            try:
                response = post(f"/missions/{dataset.mission_id}/companies/new",
                                {"name": "Gelijktijdig BV", "sector": "", "contact": ""})
                statuses.append(response.status)
            except urllib.error.HTTPError as answer:
                statuses.append(answer.code)
        except Exception as problem:  # noqa: BLE001 - reported below, in the test's own thread
            problems.append(repr(problem))

    try:
        threads = [threading.Thread(target=add) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        server.shutdown()
        server.server_close()
    assert not problems, problems
    assert len(statuses) == 20 and 500 not in statuses, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(Company.id)).where(Company.name == "Gelijktijdig BV")) == 1
        assert statuses.count(302) >= 1


# ---- the sweep: every form, every GET route with an id, as every role that may use it ------------------------


def _routes(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


def _role_for(endpoint: str) -> tuple[Role, ...]:
    rule = ACCESS[endpoint]
    if rule in (PUBLIC, SIGNED_IN):
        return (Role.PROTOCOL,)
    return tuple(sorted(rule))


SWEEP = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Values a field may be sent: odd text, control characters, huge and negative numbers, odd dates and zones.
ODD = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=5),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", " ", NUL, "x" * 6000, "2027-04-13", "2027-04-13T14:00", "9999-12-31", "0001-01-01",
                     "0001-01-01T00:00", "9999-12-31T23:59", "2027-02-30", "Europe/Amsterdam", "Amsterdam", "y",
                     "on", "0", "-1", "2147483648", "delegation", "internal", "official_meeting", "\u202e"]),
)


def _field_names(html: str) -> set[str]:
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html))
    return names - {"csrf_token"}


#: Form fields of the routes that only take a POST (their forms live on other pages).
POST_ONLY_FIELDS = {
    "readiness.submit": {"role"}, "readiness.sign": {"role"}, "readiness.complete_view": {"role"},
    "readiness.confirm": {"note"}, "partnerships.review_dossier": set(),
    "calendar.create": {"kind", "audience", "mission_id", "partnership_id"}, "main.set_language": {"lang", "next"},
    "itinerary.import_confirm": {"plan"},
    # The briefing book's GET answers the PDF itself; its POST is the re-check of high-risk mode.
    "itinerary.book": {"secret"},
}


#: The form routes are swept in this many parts, which the test processes share out between them.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_form_answers_a_500_and_a_refused_one_changes_nothing(app, another_client, account, dataset, shard):
    """Every form route, as a role that may use it, fed odd values in every field it has."""
    rules = [r for r in _routes(app) if "POST" in r.methods and r.endpoint != "auth.logout"][shard::SHARDS]
    failures = []
    for rule in rules:
        browser = another_client(lang="nl")
        email = account(*_role_for(rule.endpoint))
        if rule.endpoint != "auth.login":  # signing in is tried by someone not signed in
            Auth(browser).login(email)
        with app.test_request_context():
            url = url_for(rule.endpoint, **dataset.url_values(rule))
        names = POST_ONLY_FIELDS.get(rule.endpoint)
        if rule.endpoint == "followup.status":  # the follow-up table's fields are named after its rows
            names = {f"status-{dataset.follow_up_id}", f"was-{dataset.follow_up_id}"}
        if names is None:
            names = _field_names(browser.get(url).get_data(as_text=True))
        # The database as it stands: taken again only after a request that may change it (one that was not
        # refused, or a refusal that is audited: a refused sign-in, a book made).
        state = {"rows": snapshot(app)}

        @SWEEP
        @given(st.fixed_dictionaries({name: st.one_of(ODD, st.lists(ODD, max_size=3)) for name in sorted(names)}))
        def post(data):
            response = browser.post(url, data=data)
            if response.status_code >= 500:
                failures.append(f"POST {url} {data!r}: {response.status_code}")
            refused = response.status_code == 200 or 400 <= response.status_code < 500
            if refused and rule.endpoint not in ("auth.login", "itinerary.book"):
                if snapshot(app) != state["rows"]:
                    failures.append(f"POST {url} {data!r}: refused ({response.status_code}) but changed")
            else:
                state["rows"] = snapshot(app)

        post()
    assert rules and not failures, "\n".join(failures[:10])


def test_no_get_route_with_an_id_answers_a_500(app, another_client, account, dataset):
    """Every GET route that takes a value in its path, as a role that may use it, with odd values in it."""
    rules = [r for r in _routes(app) if "GET" in r.methods and r.arguments]
    failures = []
    for rule in rules:
        browser = another_client(lang="nl")
        Auth(browser).login(account(*_role_for(rule.endpoint)))

        @SWEEP
        @given(st.fixed_dictionaries({
            name: st.one_of(st.integers(min_value=0, max_value=2**70), st.just(getattr(dataset, name)))
            if isinstance(getattr(dataset, name), int) else st.text(max_size=40).filter(lambda t: "/" not in t)
            for name in sorted(rule.arguments)}), st.sampled_from(["", "?page=99999999999999999999",
                                                                     "?audience=%00", "?mission_id=2147483648"]))
        def get(values, query):
            with app.test_request_context():
                try:
                    url = url_for(rule.endpoint, **values)
                except Exception:  # a value the route's converter refuses has no URL: nothing to ask
                    return
            response = browser.get(url + query)
            if response.status_code >= 500:
                failures.append(f"GET {url}{query}: {response.status_code}")

        get()
    assert not failures, "\n".join(failures[:10])
