"""A realistic, fictional demo data set. Loaded only by ``flask --app visitplanner demo``."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pyotp
from babel.dates import format_date
from sqlalchemy import select

from .auth.models import Role, User
from .auth.operations import create_user, enrol_second_factor
from .contacts.models import ContactKind
from .contacts.operations import log_contact
from .enums import RiskLevel
from .extensions import db
from .followup.operations import add_evaluation, add_follow_up, add_partnership_follow_up, record_outcome
from .itinerary.models import ItemKind, Visibility
from .itinerary.operations import create_item
from .companies.operations import (
    create_company,
    record_briefing,
    record_connection,
    record_defender_meeting,
    set_due_diligence,
    set_objectives,
    update_company,
)
from .library.models import EntryKind
from .library.operations import add_entry, compose_talking_points, revise_entry, revise_policy
from .missions.models import Company, Direction, DueDiligence, Mission, RoomAnswer, Side
from .missions.operations import add_company, add_member, create_mission, record_room_request
from .participants.models import (
    ConsultationChannel,
    Decision,
    MeetingVisibility,
    Participant,
    ParticipantKind,
    Scope,
)
from .participants.operations import create_participant, record_assessment, record_consent, record_consultation
from .partnerships.models import (
    DossierTopic,
    FocalTheme,
    Objective,
    ObjectiveKind,
    Partnership,
    PartnershipKind,
    RegionType,
    add_months,
)
from .partnerships.operations import (
    add_dossier_entry,
    add_objective,
    create_partnership,
    record_review,
    set_advice,
    set_focal_themes,
)
from .readiness.models import ManualCheck, SignOffRole
from .readiness.operations import complete, confirm_manual_check, sign_off, submit_for_signoff
from .stakeholders.models import InvolvementWay, StakeholderKind
from .stakeholders.operations import create_stakeholder, record_involvement, set_protection
from .timeutil import now_utc, today_utc

DEMO_PASSWORD = "visitplanner-demo"
#: The authenticator key of the demo accounts that must sign in with a second factor (administrator, advisor,
#: approver), fixed and documented in the README so that `make run` stays a quick try-out. Demo data only.
DEMO_TOTP_SECRET = "VISITPLANNERDEMOVISITPLANNERDEMO"

ACCOUNTS = [
    ("protocol@example.org", "Sanne de Vries", [Role.PROTOCOL]),
    ("advisor@example.org", "Yusuf Demir", [Role.ADVISOR]),
    ("approver@example.org", "Joost Bakker", [Role.APPROVER]),
    ("delegate@example.org", "Marieke Jansen", [Role.DELEGATE]),
    ("admin@example.org", "Femke Visser", [Role.ADMIN]),
]

#: The demo accounts that sign in with a second factor as well as the password.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.ADVISOR, Role.APPROVER})


def is_demo_account(user: User) -> bool:
    """Whether ``user`` is one of the demo data set's accounts with the demo authenticator key: the only accounts
    whose current code may be printed (``flask --app visitplanner demo-code``), since their key is published."""
    return user.email in {email for email, _, _ in ACCOUNTS} and user.totp_secret == DEMO_TOTP_SECRET


AMS = "Europe/Amsterdam"
SHA = "Asia/Shanghai"

#: The demo reads as if today were this day. On any other day every date in it moves by whole weeks
#: (weekdays stay), so the demo always has a mission ahead, a visit behind and consents about to lapse.
WRITTEN_ON = date(2026, 11, 28)
_shift = timedelta(0)


def _d(year: int, month: int, day: int) -> date:
    """A date of the demo as written, moved to today."""
    return date(year, month, day) + _shift


def _t(local: str) -> datetime:
    """A local date and time of the demo as written (ISO), moved to today."""
    return datetime.fromisoformat(local) + _shift


def as_loaded(local: str) -> datetime:
    """A local date and time of the demo as written (ISO), as the demo loaded last in this process has it (tests
    that type dates into the demo's missions)."""
    return _t(local)


def _month(day: date) -> str:
    """'april 2027': the month of a mission, for its title."""
    return format_date(day, "MMMM y", locale="nl")


def _item(actor, mission, kind, title, start, end, zone, *, location="", description="", talking_points="",
          visibility=Visibility.DELEGATION, attendees=(), parallel=False, themes=(), headcount=None,
          headcount_reason="", end_zone=None):
    chosen = {t.key: t.id for t in mission.partnership.focal_themes}
    return create_item(
        actor, mission, kind=kind.value, title=title,
        starts_at=_t(start), ends_at=_t(end), timezone=zone, end_timezone=end_zone,
        location=location, description=description, talking_points=talking_points,
        visibility=visibility.value, parallel=parallel, attendees=[m.id for m in attendees],
        focal_themes=[chosen[key] for key in themes], headcount=headcount, headcount_reason=headcount_reason,
    )


def load_demo() -> list[tuple[str, str]]:
    """Create the demo accounts, partnership and missions (flushed; the caller commits)."""
    global _shift
    _shift = timedelta(weeks=(today_utc() - WRITTEN_ON).days // 7)
    users: dict[str, User] = {}
    for email, name, roles in ACCOUNTS:
        users[email] = create_user(None, email=email, name=name, password=DEMO_PASSWORD, roles=roles)
        if set(roles) & SECOND_FACTOR_ROLES:
            # Set up as the person would, with the code their app shows now (the recovery codes are not shown).
            enrol_second_factor(users[email], DEMO_TOTP_SECRET, pyotp.TOTP(DEMO_TOTP_SECRET).at(now_utc()))
            users[email].totp_last_step = None  # that code set it up; it may still open the first sign-in
    protocol = users["protocol@example.org"]
    advisor = users["advisor@example.org"]

    partnership = create_partnership(
        protocol,
        own_organisation="Gemeente Voorbeeldstad",
        partner_region="Wuxi",
        region_type=RegionType.CITY.value,
        kind=PartnershipKind.SISTER_CITY.value,
        cooperation_themes="Slimme steden (smart cities), waterbeheer, onderwijs",
    )
    _groundwork(advisor, partnership)
    outbound = _outbound(protocol, advisor, users, partnership)
    inbound = _inbound(protocol, advisor, users, partnership)
    _company_register(protocol, advisor, partnership)
    _talking_points_library(protocol, advisor, partnership, outbound)
    _civil_society(protocol, advisor, users, outbound, inbound)
    _stakeholders(advisor, partnership)
    _past_visit(protocol, advisor, users, partnership)
    _contacts_between_visits(protocol, advisor, partnership)
    _reviewed(protocol, advisor, partnership, outbound)
    return [(email, ", ".join(r.label for r in roles)) for email, _, roles in ACCOUNTS]


def _groundwork(advisor, partnership: Partnership) -> None:
    """A research dossier with sources, three focal themes and an action plan."""
    set_advice(advisor, partnership, expected_version=partnership.version, risk_level=RiskLevel.HIGH.value,
               advised_against=False, advised_against_reason="")
    add_dossier_entry(
        advisor, partnership, topic=DossierTopic.REGION.value, entry_date=_d(2026, 9, 15),
        summary="Arbeidsrechten in de bouw- en maakindustrie rond Wuxi staan onder druk; onafhankelijke "
                "vakbonden zijn niet toegestaan. Arbeidsrechtenactivisten melden intimidatie.",
        sources="China Labour Bulletin, strike map Jiangsu — https://clb.org.hk — 2026-08-01\n"
                "Amnesty International, jaarrapport China — https://www.amnesty.nl — 2026-04-24",
    )
    add_dossier_entry(
        advisor, partnership, topic=DossierTopic.THEME.value, entry_date=_d(2026, 10, 2),
        summary="Slimme-stadprojecten in Wuxi koppelen camera's met gezichtsherkenning aan politiedatabases "
                "(predictive policing). Samenwerking op sensoren en data vraagt due diligence.",
        sources="Human Rights Watch, China's algorithms of repression — https://www.hrw.org — 2019-05-01",
    )
    keys = ("labour_rights", "surveillance_smart_cities", "freedom_of_expression")
    themes = list(db.session.scalars(select(FocalTheme).where(FocalTheme.key.in_(keys))))
    set_focal_themes(advisor, partnership, [t.id for t in themes])
    by_key = {t.key: t for t in themes}
    add_objective(advisor, partnership, what="Arbeidsrechten agenderen bij elk officieel bezoek",
                  focal_theme_id=by_key["labour_rights"].id,
                  benchmark="In elk verslag staat de reactie van de partner op onze vragen over arbeidsrechten",
                  target_date=_d(2027, 12, 31), evaluation_due=_d(2027, 6, 30))
    add_objective(advisor, partnership, what="Geen slimme-stadsamenwerking zonder mensenrechtentoets",
                  focal_theme_id=by_key["surveillance_smart_cities"].id,
                  benchmark="Elke projectafspraak bevat een due-diligenceclausule", target_date=_d(2027, 9, 30),
                  evaluation_due=_d(2027, 3, 31))


def _stakeholders(advisor, partnership: Partnership) -> None:
    """The register, and who the action plan rests on: the labour-rights objective on local and partner-region civil
    society and a defender; the smart-city objective on a knowledge institution and a company only (a warning)."""
    local = create_stakeholder(advisor, name="Amnesty International, werkgroep Voorbeeldstad", alias="Eik-5120",
                               kind=StakeholderKind.LOCAL_HR_GROUP.value, contact="voorbeeldstad@example.org")
    set_protection(advisor, local, expected_version=local.version, protected=False,
                   reason="Spreekt in het openbaar onder eigen naam; geen risico voor de leden.")
    in_region = create_stakeholder(advisor, name="Wuxi Gongyou Huzhu (arbeidersnetwerk)", alias="Berk-3310",
                                   kind=StakeholderKind.PARTNER_CIVIL_SOCIETY.value,
                                   contact="Alleen via de tussenpersoon in Hongkong")
    create_stakeholder(advisor, name="Stichting Oeigoerse Gemeenschap Voorbeeldstad", alias="Olijf-2208",
                       kind=StakeholderKind.DIASPORA.value)
    knowledge = create_stakeholder(advisor, name="Kenniscentrum China, Universiteit Voorbeeldstad", alias="Hulst-6402",
                                   kind=StakeholderKind.KNOWLEDGE.value)
    labour, smart = (next(o for o in partnership.objectives if o.what.startswith(start))
                     for start in ("Arbeidsrechten agenderen", "Geen slimme-stad"))
    defender = db.session.scalar(select(Participant).where(Participant.alias == "Reiger-2041"))
    record_involvement(advisor, labour, party=f"stakeholder-{local.id}", held_on=_d(2026, 10, 20),
                       way=InvolvementWay.MEETING.value,
                       said="Vraag steeds naar de arbeidsomstandigheden van uitzendkrachten in de bouw.")
    record_involvement(advisor, labour, party=f"stakeholder-{in_region.id}", held_on=_d(2026, 10, 28),
                       way=InvolvementWay.CALL.value,
                       said="Noem geen namen van arbeiders; vraag naar de klachtenprocedure bij ongevallen.")
    record_involvement(advisor, labour, party=f"participant-{defender.id}", held_on=_d(2026, 11, 3),
                       way=InvolvementWay.CALL.value, said="Vakbondsvrijheid is het kernpunt.")
    record_involvement(advisor, smart, party=f"stakeholder-{knowledge.id}", held_on=_d(2026, 11, 10),
                       way=InvolvementWay.WRITTEN.value, said="Notitie over gezichtsherkenning en politiedata.")
    company = db.session.scalar(select(Company).order_by(Company.name))
    if company is not None:
        record_involvement(advisor, smart, party=f"company-{company.id}", held_on=_d(2026, 11, 12),
                           way=InvolvementWay.MEETING.value)


def _company_register(protocol, advisor, partnership: Partnership) -> None:
    """The register of companies with ties to the region (B.c): the outbound mission's company briefed recently, with
    its due diligence, a meeting with local defenders, an introduction to the BHRRC and an objective; the inbound
    visit's host briefed longer ago than a briefing counts for (the dashboard says so); one company in no mission."""
    today = today_utc()
    by_name = {c.name: c for c in db.session.scalars(select(Company))}
    mulder, stadslicht = by_name["Mulder Waterbouw B.V."], by_name["Stadslicht Sensoren B.V."]
    objectives = partnership.objectives
    update_company(protocol, mulder, expected_version=mulder.version, name=mulder.name, sector=mulder.sector,
                   contact=mulder.contact, ties="Levert pompen aan de waterzuivering bij het Taihu-meer; staal uit "
                                                "Jiangsu in de toeleveringsketen.")
    record_briefing(advisor, mulder, briefed_on=_d(2026, 11, 10), held=True, briefed_by=advisor,
                    note="OESO-richtlijnen en UNGP's; arbeidsrechten in de bouw rond Wuxi.",
                    topics=[DossierTopic.REGION.value, DossierTopic.THEME.value],
                    objective_ids=[objectives[0].id] if objectives else [], today=today)
    set_due_diligence(protocol, mulder, status=DueDiligence.IN_PROGRESS.value,
                      note="Ketenanalyse staal en pompen loopt; afronding voor vertrek.")
    record_defender_meeting(advisor, mulder, met_on=_d(2026, 10, 20), today=today,
                            note="Gesprek met een arbeidsrechtenverdediger uit de regio (alias in het "
                                 "deelnemersregister), via de ambassade.")
    record_connection(protocol, mulder, connected_with="Business and Human Rights Resource Centre",
                      connected_on=_d(2026, 11, 12), today=today,
                      note="Geïntroduceerd bij de researcher voor Oost-Azië; bedrijfsreactie op een melding besproken.")
    if objectives:
        set_objectives(protocol, mulder, [objectives[0].id])
    # Briefed last year: longer ago than a briefing counts for on the day of the visit.
    record_briefing(advisor, stadslicht, briefed_on=_d(2026, 3, 16), held=True, briefed_by=advisor,
                    topics=[DossierTopic.THEME.value], today=today,
                    note="Gezichtsherkenning en slimme verlichting: risico's van predictive policing.")
    set_due_diligence(protocol, stadslicht, status=DueDiligence.NOT_STARTED.value,
                      note="Wacht op de nieuwe briefing voordat de ketenanalyse begint.")
    van_dam = create_company(protocol, name="Van Dam Logistiek B.V.", sector="Logistiek",
                             contact="info@vandamlogistiek.example",
                             ties="Vervoert onderdelen tussen Wuxi en Rotterdam; geen missie gepland.")
    record_briefing(advisor, van_dam, briefed_on=today + timedelta(days=30), held=False, briefed_by=advisor,
                    topics=[DossierTopic.REGION.value], today=today)


def _civil_society(protocol, advisor, users, outbound: Mission, inbound: Mission) -> None:
    """Participants with consent and safety records; the outbound mission signed off, the inbound not ready."""
    today = today_utc()
    defender = create_participant(advisor, real_name="Chen Xiaoli", alias="Reiger-2041", kind=ParticipantKind.DEFENDER.value,
                                  organisation="Arbeidsrechtennetwerk (informeel)", residence="Wuxi, China", at_risk=True,
                                  in_partner_region=True,
                                  contact="Signal +86 139 0000 2041, alleen via de tussenpersoon")
    resident = create_participant(advisor, real_name="Aynur Tursun", alias="Linde-7305", kind=ParticipantKind.RESIDENT.value,
                                  organisation="Oeigoerse gemeenschap Nederland", residence="Oosterwijk, Voorbeeldstad",
                                  at_risk=True)
    academic = create_participant(advisor, real_name="Pieter de Wit", alias="Valk-1187", kind=ParticipantKind.ACADEMIC.value,
                                  organisation="Universiteit Voorbeeldstad", residence="Binnenstad, Voorbeeldstad", at_risk=False)

    def assess(person, item, **extra):
        values = dict(
            risk_level=RiskLevel.HIGH.value, threats="Surveillance of contacts with foreign officials.",
            vulnerabilities="", capacities="Experienced; has a lawyer.", person_consulted=True,
            meeting_visibility=MeetingVisibility.CONFIDENTIAL.value, partner_informed=False,
            names_shared_with_partner=False, family_at_risk=False,
            venue="Private room, chosen by the person", photos_allowed=False, social_media_allowed=False,
            device_precautions="No phones in the room; contact only through Signal.", interpreter_vetted=True,
            expectations_discussed=True, mitigations="No names in invitations or calendars; meet off-site.",
            decision=Decision.MITIGATE.value, assessed_on=_d(2026, 11, 20), valid_until=_d(2027, 6, 30),
        )
        values.update(extra)
        record_assessment(advisor, person, item, **values)

    # Outbound: the defender meets the delegation in Wuxi; everything is in order and signed off.
    ngo_out = next(i for i in outbound.items if i.kind == ItemKind.NGO_VISIT)
    ngo_out.participants.append(defender)
    db.session.flush()
    record_consent(advisor, defender, outbound, scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL],
                   method="intermediary", information_version="Informatieblad v3 (2026-11)",
                   reconfirm_by=_d(2027, 5, 15), today=today)
    assess(defender, ngo_out, risk_level=RiskLevel.CRITICAL.value)
    record_consultation(
        advisor, outbound, channel=ConsultationChannel.CONSULATE.value,
        consulted="Consulaat-generaal Shanghai, politieke afdeling",
        question="Kan de delegatie de verdediger in Wuxi veilig ontmoeten, en onder welke voorwaarden?",
        answer="Ja, buiten het programma van de partner, zonder namen in uitnodigingen of agenda's; de consul "
               "wordt vooraf en achteraf geïnformeerd.",
        consulted_on=_d(2026, 11, 18), valid_until=_d(2027, 6, 30), covers=[(defender.id, ngo_out.id)])
    for check in (ManualCheck.EMBASSY_INFORMED, ManualCheck.DELEGATION_BRIEFED, ManualCheck.COMPANIES_BRIEFED):
        confirm_manual_check(protocol, outbound, check)
    submit_for_signoff(protocol, outbound, today)
    sign_off(advisor, outbound, SignOffRole.ADVISOR, today)
    sign_off(users["approver@example.org"], outbound, SignOffRole.APPROVER, today)

    # Inbound: a Dutch Uyghur whose consent has lapsed, and an academic; no meeting with residents yet.
    ngo_in = next(i for i in inbound.items if i.kind == ItemKind.NGO_VISIT)
    ngo_in.participants.extend([resident, academic])
    db.session.flush()
    record_consent(advisor, academic, inbound, scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL, Scope.NAMED_DELEGATION],
                   method="in_person", information_version="Informatieblad v3 (2026-11)",
                   reconfirm_by=today + timedelta(days=10), today=today)  # expires soon, before the visit
    # Given in May by phone, to be reconfirmed by October: it has lapsed since.
    record_consent(advisor, resident, inbound, scopes=[Scope.TAKE_PART, Scope.NAMED_INTERNAL], method="phone",
                   information_version="Informatieblad v2 (2026-05)", reconfirm_by=_d(2026, 10, 1),
                   today=_d(2026, 5, 20))
    assess(resident, ngo_in, family_at_risk=True, risk_level=RiskLevel.HIGH.value)
    assess(academic, ngo_in, risk_level=RiskLevel.LOW.value, decision=Decision.PROCEED.value, mitigations="")


def _outbound(protocol, advisor, users, partnership: Partnership) -> Mission:
    mission = create_mission(
        protocol,
        partnership_id=partnership.id,
        direction=Direction.OUTBOUND.value,
        title=f"Werkbezoek Wuxi, {_month(_d(2027, 4, 12))}",
        purpose="Samenwerking op slimme steden en waterbeheer verdiepen, met mensenrechten als vast onderdeel: "
                "arbeidsrechten en privacy bij slimme-stadtoepassingen.",
        start_date=_d(2027, 4, 12),
        end_date=_d(2027, 4, 15),
        timezone=SHA,
    )
    alderman = add_member(protocol, mission, user=users["delegate@example.org"], function="Wethouder Economie",
                          organisation="Gemeente Voorbeeldstad")
    officer = add_member(protocol, mission, user=protocol, function="Protocolmedewerker",
                         organisation="Gemeente Voorbeeldstad")
    mayor = add_member(protocol, mission, name="Hanneke Smit", function="Burgemeester",
                       organisation="Gemeente Voorbeeldstad")
    engineer = add_member(protocol, mission, name="Pieter Mulder", function="Directeur",
                          organisation="Mulder Waterbouw B.V.")
    add_company(protocol, mission, name="Mulder Waterbouw B.V.", sector="Waterbouw",
                contact="p.mulder@mulderwaterbouw.example")  # its briefings: _company_register
    everyone = (alderman, officer, mayor, engineer)
    K, V = ItemKind, Visibility
    _item(advisor, mission, K.COMPANY_BRIEFING, "Mensenrechtenbriefing voor deelnemende bedrijven",
          "2027-04-12T09:30", "2027-04-12T11:00", AMS, location="Stadhuis Voorbeeldstad, kamer 2.14",
          description="OESO-richtlijnen, UNGP's en gepaste zorgvuldigheid bij slimme-stadprojecten.",
          visibility=V.DELEGATION, attendees=everyone)
    _item(protocol, mission, K.TRANSPORT, "Vlucht Amsterdam – Shanghai", "2027-04-12T14:30", "2027-04-13T07:05",
          AMS, end_zone=SHA, location="Schiphol", visibility=V.DELEGATION, attendees=everyone)
    _item(protocol, mission, K.TRANSPORT, "Aankomst Shanghai Pudong, transfer naar Wuxi", "2027-04-13T07:45",
          "2027-04-13T10:00", SHA, location="Shanghai Pudong International Airport", visibility=V.DELEGATION,
          attendees=everyone)
    _item(protocol, mission, K.OFFICIAL_MEETING, "Ontvangst door het stadsbestuur van Wuxi", "2027-04-13T14:00",
          "2027-04-13T15:30", SHA, location="Stadhuis Wuxi",
          talking_points="Arbeidsomstandigheden in de bouw; privacy en toezicht bij slimme-stadtoepassingen; "
                         "vraag naar de situatie van gedetineerde advocaten.",
          visibility=V.PARTNER, attendees=(alderman, mayor, officer),
          themes=("labour_rights", "surveillance_smart_cities", "freedom_of_expression"))
    _item(protocol, mission, K.MEAL, "Welkomstdiner", "2027-04-13T18:30", "2027-04-13T20:30", SHA,
          location="Hotel Wuxi Lakeside", visibility=V.PARTNER, attendees=everyone)
    _item(advisor, mission, K.NGO_VISIT, "Gesprek met maatschappelijke organisatie over arbeidsrechten",
          "2027-04-14T09:00", "2027-04-14T10:30", SHA, location="Afgesproken via de ambassade",
          description="Vertrouwelijk; geen foto's; deelnemers worden niet bij naam genoemd.",
          talking_points="Luisteren; vragen wat de organisatie van ons verwacht.",
          visibility=V.INTERNAL, attendees=(alderman, officer), themes=("labour_rights",))
    _item(protocol, mission, K.BUSINESS_SESSION, "Bedrijvensessie OESO-richtlijnen en UNGP's", "2027-04-14T11:00",
          "2027-04-14T12:30", SHA, location="Wuxi Innovation Park",
          talking_points="Due diligence in de toeleveringsketen; dwangarbeid uitsluiten.",
          visibility=V.PARTNER, attendees=(alderman, engineer), themes=("labour_rights",))
    _item(protocol, mission, K.COMPANY_VISIT, "Bezoek waterzuiveringsinstallatie Taihu", "2027-04-14T14:00",
          "2027-04-14T16:30", SHA, location="Taihu-meer, Wuxi", visibility=V.PARTNER, attendees=(mayor, engineer))
    _item(protocol, mission, K.PUBLIC_MOMENT, "Toespraak wethouder bij het Nederlands-Chinees waterforum",
          "2027-04-14T17:00", "2027-04-14T17:30", SHA, location="Wuxi Expo Center",
          description="Noemt het belang van vrije meningsuiting en maatschappelijke organisaties.",
          visibility=V.PUBLIC, attendees=(alderman,))
    _item(protocol, mission, K.CULTURAL, "Bezoek aan de Liyuan-tuin", "2027-04-15T09:00", "2027-04-15T11:00", SHA,
          location="Liyuan Garden", visibility=V.DELEGATION, attendees=(mayor, engineer))
    _item(protocol, mission, K.OFFICIAL_MEETING, "Afsluitend overleg met de afdeling buitenlandse zaken",
          "2027-04-15T11:30", "2027-04-15T12:30", SHA, location="Stadhuis Wuxi",
          talking_points="Opvolging afspraken; vrije toegang voor maatschappelijke organisaties bij een volgend bezoek.",
          visibility=V.PARTNER, attendees=(alderman, officer))
    _item(protocol, mission, K.TRANSPORT, "Terugvlucht Shanghai – Amsterdam", "2027-04-15T16:00",
          "2027-04-15T23:00", SHA, location="Shanghai Pudong International Airport", visibility=V.DELEGATION,
          attendees=everyone)
    return mission


def _inbound(protocol, advisor, users, partnership: Partnership) -> Mission:
    mission = create_mission(
        protocol,
        partnership_id=partnership.id,
        direction=Direction.INBOUND.value,
        title=f"Bezoek delegatie Wuxi aan Voorbeeldstad, {_month(_d(2027, 6, 7))}",
        purpose="Ontvangst van een delegatie van het stadsbestuur van Wuxi rond waterbeheer en onderwijs.",
        start_date=_d(2027, 6, 7),
        end_date=_d(2027, 6, 9),
        timezone=AMS,
    )
    host = add_member(protocol, mission, user=users["delegate@example.org"], function="Wethouder Economie",
                      organisation="Gemeente Voorbeeldstad")
    officer = add_member(protocol, mission, user=protocol, function="Protocolmedewerker",
                         organisation="Gemeente Voorbeeldstad")
    guest = add_member(protocol, mission, name="Zhang Wei", function="Vicedirecteur Buitenlandse Zaken",
                       organisation="Stadsbestuur Wuxi", side=Side.VISITORS.value)
    interpreter = add_member(protocol, mission, name="Lin Mei", function="Tolk",
                             organisation="Tolkenbureau Brug")
    everyone = (host, officer, guest, interpreter)
    # A host company that has not yet attended a human-rights briefing: the dashboard points it out.
    add_company(protocol, mission, name="Stadslicht Sensoren B.V.", sector="Slimme verlichting en sensoren",
                contact="info@stadslicht.example")
    K, V = ItemKind, Visibility
    _item(protocol, mission, K.TRANSPORT, "Aankomst delegatie op Schiphol", "2027-06-07T08:30",
          "2027-06-07T10:00", AMS, location="Schiphol", visibility=V.PARTNER, attendees=(officer, guest, interpreter))
    _item(protocol, mission, K.OFFICIAL_MEETING, "Ontvangst op het stadhuis", "2027-06-07T11:00",
          "2027-06-07T12:30", AMS, location="Stadhuis Voorbeeldstad, Burgerzaal",
          talking_points="Vrijheid van meningsuiting; positie van minderheden; arbeidsrechten in de waterbouw.",
          visibility=V.PARTNER, attendees=everyone)
    _item(protocol, mission, K.MEAL, "Lunch", "2027-06-07T12:30", "2027-06-07T13:30", AMS,
          location="Stadhuis Voorbeeldstad", visibility=V.PARTNER, attendees=everyone)
    _item(protocol, mission, K.COMPANY_VISIT, "Bezoek gemaal De Leeuw", "2027-06-07T14:30", "2027-06-07T16:30",
          AMS, location="Gemaal De Leeuw, Voorbeeldstad", visibility=V.PARTNER, attendees=everyone)
    _item(advisor, mission, K.NGO_VISIT, "Bezoek aan een mensenrechtenorganisatie", "2027-06-08T09:30",
          "2027-06-08T11:00", AMS, location="Huis van de Mensenrechten, Voorbeeldstad",
          description="Gesprek over vrijheid van meningsuiting met een lokale mensenrechtenorganisatie.",
          talking_points="Ruimte voor het maatschappelijk middenveld.",
          visibility=V.DELEGATION, attendees=everyone, themes=("freedom_of_expression",))
    # A meeting "with residents" that meets none concerned with human rights in China yet: the checklist says so.
    _item(advisor, mission, K.CITIZEN_MEETING, "Avond met wijkbewoners", "2027-06-08T19:30", "2027-06-08T20:30",
          AMS, location="Wijkcentrum De Brug", visibility=V.DELEGATION, attendees=(host, officer), parallel=True)
    _item(protocol, mission, K.CULTURAL, "Rondleiding historische binnenstad", "2027-06-08T11:30",
          "2027-06-08T13:00", AMS, location="Grote Markt", visibility=V.PUBLIC, attendees=everyone)
    _item(protocol, mission, K.OFFICIAL_MEETING, "Werksessie waterbeheer", "2027-06-08T14:00", "2027-06-08T16:00",
          AMS, location="Waterschap Voorbeeldland", visibility=V.PARTNER, attendees=(officer, guest, interpreter))
    _item(protocol, mission, K.MEAL, "Diner aangeboden door de burgemeester", "2027-06-08T19:00",
          "2027-06-08T21:00", AMS, location="Restaurant De Waag", visibility=V.PARTNER, attendees=everyone)
    _item(protocol, mission, K.COMPANY_VISIT, "Bezoek ROC Voorbeeldstad (onderwijs)", "2027-06-09T09:30",
          "2027-06-09T11:30", AMS, location="ROC Voorbeeldstad", visibility=V.PARTNER, attendees=everyone)
    _item(protocol, mission, K.TRANSPORT, "Vertrek naar Schiphol", "2027-06-09T13:00", "2027-06-09T14:30", AMS,
          location="Stadhuis Voorbeeldstad", visibility=V.PARTNER, attendees=(officer, guest, interpreter))
    return mission


def _past_visit(protocol, advisor, users, partnership: Partnership) -> Mission:
    """A completed visit of last September, with what was raised and its follow-ups (one overdue)."""
    mission = create_mission(
        protocol, partnership_id=partnership.id, direction=Direction.INBOUND.value,
        title=f"Bezoek onderwijsdelegatie Wuxi, {_month(_d(2026, 9, 14))}",
        purpose="Uitwisseling over beroepsonderwijs, met een gesprek over vrijheid van meningsuiting.",
        start_date=_d(2026, 9, 14), end_date=_d(2026, 9, 16), timezone=AMS,
    )
    officer = add_member(protocol, mission, user=protocol, function="Protocolmedewerker",
                         organisation="Gemeente Voorbeeldstad")
    guest = add_member(protocol, mission, name="Wang Fang", function="Directeur Onderwijs",
                       organisation="Stadsbestuur Wuxi")
    K, V = ItemKind, Visibility
    meeting = _item(protocol, mission, K.OFFICIAL_MEETING, "Overleg met de onderwijsdelegatie", "2026-09-14T10:00",
                    "2026-09-14T12:00", AMS, location="Stadhuis Voorbeeldstad",
                    talking_points="Academische vrijheid; uitwisseling zonder censuur.", visibility=V.PARTNER,
                    attendees=(officer, guest), themes=("freedom_of_expression",))
    _item(advisor, mission, K.NGO_VISIT, "Bezoek aan PEN-afdeling Voorbeeldstad", "2026-09-15T10:00",
          "2026-09-15T11:30", AMS, location="Bibliotheek Voorbeeldstad", visibility=V.DELEGATION,
          attendees=(officer, guest), themes=("freedom_of_expression",))
    _item(advisor, mission, K.CITIZEN_MEETING, "Gesprek met Chinese en Oeigoerse inwoners", "2026-09-15T14:00",
          "2026-09-15T15:30", AMS, location="Wijkcentrum De Brug", visibility=V.INTERNAL, attendees=(officer,),
          headcount=7, headcount_reason="Familie in Xinjiang: zij willen niet bij naam worden vastgelegd.")
    confirm_manual_check(protocol, mission, ManualCheck.DELEGATION_BRIEFED)
    submit_for_signoff(protocol, mission, _d(2026, 9, 1))
    sign_off(advisor, mission, SignOffRole.ADVISOR, _d(2026, 9, 2))
    sign_off(users["approver@example.org"], mission, SignOffRole.APPROVER, _d(2026, 9, 3))
    complete(protocol, mission, _d(2026, 9, 17))
    record_outcome(advisor, meeting, raised="Academische vrijheid en de positie van Oeigoerse studenten.",
                   partner_response="Aangehoord; de delegatie verwees naar nationaal beleid.")
    objectives = partnership.objectives
    add_follow_up(advisor, mission, what="Schriftelijk verslag met onze vragen over academische vrijheid sturen",
                  with_whom="Stadsbestuur Wuxi, afdeling onderwijs", owner=advisor, due_date=_d(2026, 10, 15),
                  objective=objectives[0] if objectives else None)
    done = add_follow_up(protocol, mission, what="Bedankbrief aan de delegatie", with_whom="Wang Fang",
                         owner=protocol, due_date=_d(2026, 9, 30))
    done.status = "done"
    add_follow_up(advisor, mission, what="Terugkoppeling aan de Oeigoerse inwoners over wat is besproken",
                  with_whom="Oeigoerse gemeenschap Nederland", owner=advisor, due_date=_d(2027, 1, 31))
    if objectives:
        add_evaluation(advisor, objectives[0], evaluated_on=_d(2026, 9, 30), progress="little",
                       findings="Arbeidsrechten kwamen aan bod; de partner ging niet in op concrete gevallen.",
                       next_steps="Concrete casus voorbereiden voor het volgende bezoek aan Wuxi.", next_due=_d(2027, 3, 31))
    return mission


def _contacts_between_visits(protocol, advisor, partnership: Partnership) -> None:
    """Contact with Wuxi between the visits (B.c "doorlopende communicatie"): a letter after the past visit, a visit
    by others, and a video call raising a focal theme no mission raises (a detained defender from the region), so
    that it is not marked as left unraised; a follow-up of the partnership and one of the call."""
    chosen = [t.id for t in partnership.focal_themes]
    defender = db.session.scalar(select(FocalTheme).where(FocalTheme.key == "detained_defender"))
    set_focal_themes(advisor, partnership, [*chosen, defender.id])
    by_key = {t.key: t.id for t in partnership.focal_themes}
    log_contact(protocol, partnership, kind=ContactKind.LETTER.value, happened_on=_d(2026, 10, 1),
                subject="Brief met het verslag van het bezoek van de onderwijsdelegatie",
                partner_response="Ontvangst bevestigd; geen inhoudelijke reactie op de vragen over academische "
                                 "vrijheid.",
                theme_ids=[by_key["freedom_of_expression"]])
    log_contact(protocol, partnership, kind=ContactKind.VISIT_BY_OTHERS.value, happened_on=_d(2026, 10, 20),
                subject="Handelsmissie van de provincie in Wuxi",
                partner_response="De provincie bracht arbeidsomstandigheden in de bouw ter sprake; het stadsbestuur "
                                 "verwees naar nieuwe regelgeving.",
                theme_ids=[by_key["labour_rights"]])
    call = log_contact(advisor, partnership, kind=ContactKind.VIDEO_MEETING.value, happened_on=_d(2026, 11, 18),
                       subject="Videogesprek met het bureau buitenlandse zaken van Wuxi",
                       partner_response="Men zegde toe navraag te doen naar de gedetineerde advocaat; een antwoord "
                                        "volgt via de ambassade.",
                       theme_ids=[by_key["detained_defender"], by_key["labour_rights"]])
    objectives = partnership.objectives
    add_partnership_follow_up(advisor, partnership, what="Halfjaarlijkse brief aan het stadsbestuur over de "
                              "speerpuntthema's en de stand van het actieplan", with_whom="Stadsbestuur Wuxi",
                              owner=advisor, due_date=_d(2027, 1, 15), objective=objectives[0] if objectives else None)
    add_partnership_follow_up(advisor, partnership, contact=call, what="Bij de ambassade nagaan of het toegezegde "
                              "antwoord over de gedetineerde advocaat is gekomen", with_whom="Nederlandse ambassade "
                              "Beijing", owner=advisor, due_date=_d(2026, 12, 5))
def _reviewed(protocol, advisor, partnership: Partnership, outbound: Mission) -> None:
    """Issue 24, parts 6, 7b and 7c: a project with a local partner, the partnership reviewed as a whole fourteen
    months ago (so the next review is overdue), and the outbound mission's request for room to meet civil society,
    partly granted."""
    by_key = {t.key: t for t in partnership.focal_themes}
    add_objective(advisor, partnership, kind=ObjectiveKind.PROJECT.value,
                  local_partner="Jiangnan-universiteit, School of Law",
                  what="Gezamenlijke leergang arbeidsomstandigheden en veiligheid op de bouwplaats",
                  focal_theme_id=by_key["labour_rights"].id,
                  benchmark="Twee leergangen gegeven, met een open evaluatie door de deelnemers",
                  target_date=_d(2027, 11, 30), evaluation_due=_d(2027, 6, 30))
    today = today_utc()
    objectives = list(db.session.scalars(select(Objective).where(Objective.partnership_id == partnership.id)
                                         .order_by(Objective.id)))
    record_review(
        advisor, partnership, held_on=add_months(today, -14), today=today,
        conclusion="De samenwerking ligt op koers voor waterbeheer; op arbeidsrechten is nog geen benchmark gehaald: "
                   "de partner ging in op geen van onze vragen.",
        next_steps="Arbeidsrechten op de agenda van elk officieel bezoek; een project met een lokale partner "
                   "verkennen.",
        internal_notes="Contacten in het arbeidsrechtennetwerk melden meer toezicht: geen namen in verslagen.",
        notes={objectives[0].id: "Geen reactie van de partner in de verslagen van dit jaar."})
    record_room_request(
        protocol, outbound, expected_version=outbound.version, requested_on=min(_d(2026, 11, 2), today),
        request="Ruimte in het programma voor een gesprek met een lokale arbeidsrechtenorganisatie en een bezoek "
                "aan een buurtcentrum voor arbeidsmigranten.",
        answer=RoomAnswer.PARTLY.value, answered_on=min(_d(2026, 11, 20), today), today=today,
        notes="Het gesprek mag, in een ruimte van het stadsbestuur; het bezoek aan het buurtcentrum niet.")


#: The own policy, stated up front (B, intro) with its openness commitment (B.a).
OWN_POLICY = (
    "Gemeente Voorbeeldstad zet mensenrechten centraal in al haar internationale samenwerking, ook met partnersteden "
    "in China. Wij benoemen mensenrechten bij elk contact met onze partner, zonder vooraf onderwerpen uit te "
    "sluiten.\n\n"
    "Openheid: wij zijn open over de mensenrechtensituatie in onze eigen gemeente en in Nederland, ook waar het "
    "misgaat (discriminatie door de overheid, uitbuiting van arbeidsmigranten), en verwachten dezelfde openheid van "
    "onze partner.\n\n"
    "Wij betrekken maatschappelijke organisaties en mensenrechtenverdedigers, hier en in de partnerregio, alleen met "
    "hun instemming en met zorg voor hun veiligheid."
)


def _talking_points_library(protocol, advisor, partnership: Partnership, outbound: Mission) -> None:
    """The own policy; a library on the focal themes with an answer to "what about the Netherlands?" in two versions;
    the outbound mission's first official meeting composed from it (before the later version, which it keeps out)."""
    revise_policy(advisor, based_on=0, text=OWN_POLICY, sources=(
        "Raadsbesluit Internationaal beleid en mensenrechten, Gemeente Voorbeeldstad — 2025-03-13\n"
        "Amnesty International Nederland, Mensenrechten in de samenwerking met Chinese steden en provincies — "
        "https://www.amnesty.nl — 2023"))
    themes = {t.key: t for t in partnership.focal_themes}
    benefits = add_entry(
        advisor, themes["surveillance_smart_cities"], kind=EntryKind.WHATABOUTISM.value,
        title="“En de toeslagenaffaire dan?”",
        text="Ja, ook in Nederland heeft de overheid met algoritmen en risicoprofielen burgers gediscrimineerd: in de "
             "toeslagenaffaire werden duizenden ouders ten onrechte als fraudeur behandeld, mede op grond van hun "
             "tweede nationaliteit. Een parlementaire commissie noemde dat ‘ongekend onrecht’; het kabinet trad af en "
             "de ouders worden gecompenseerd. Juist daarom vragen wij ook u open te zijn over hoe camerasystemen en "
             "risicoscores in Wuxi worden ingezet, en wie daartegen bezwaar kan maken.",
        sources="Parlementaire ondervragingscommissie Kinderopvangtoeslag, Ongekend onrecht (Kamerstuk 35 510, nr. 2) "
                "— https://www.tweedekamer.nl — 2020-12-17\n"
                "Amnesty International, Xenofobe machines — https://www.amnesty.nl — 2021-10-25")
    labour = add_entry(
        advisor, themes["labour_rights"], kind=EntryKind.POINT.value,
        title="Arbeidsomstandigheden in de bouw",
        text="Wij vragen naar de arbeidsomstandigheden van bouwvakkers en arbeidsmigranten in Wuxi: werktijden, "
             "achterstallig loon, en of werknemers zich vrij kunnen organiseren.",
        sources="China Labour Bulletin, Construction workers — https://clb.org.hk — 2025-01-15")
    add_entry(
        advisor, themes["labour_rights"], kind=EntryKind.WHATABOUTISM.value,
        title="“Ook in Nederland worden arbeidsmigranten uitgebuit”",
        text="Dat klopt: ook in Nederland werken arbeidsmigranten te vaak onder slechte omstandigheden, met "
             "huisvesting en werk bij dezelfde werkgever. Een aanjaagteam van het kabinet deed daar voorstellen voor "
             "die nu worden ingevoerd. Wij delen graag wat wij leren, en horen graag hoe Wuxi toezicht houdt op "
             "uitzendbureaus en bouwbedrijven.",
        sources="Aanjaagteam Bescherming Arbeidsmigranten, Geen tweederangsburgers — https://www.rijksoverheid.nl "
                "— 2020-10-30")
    meeting = next(i for i in outbound.items if i.title == "Ontvangst door het stadsbestuur van Wuxi")
    compose_talking_points(protocol, meeting, [benefits.current.id, labour.current.id],
                           expected_version=meeting.version)
    revise_entry(
        advisor, benefits, based_on=1, title=benefits.current.title,
        text=benefits.current.text + " Ook etnisch profileren door de Koninklijke Marechaussee is door de rechter "
                                     "discriminatie genoemd; de Marechaussee heeft haar werkwijze aangepast.",
        sources=benefits.current.sources + "\n"
                "Gerechtshof Den Haag, uitspraak over etnisch profileren door de Koninklijke Marechaussee — "
                "https://www.rechtspraak.nl — 2023-02-14\n"
                "College voor de Rechten van de Mens, Etnisch profileren — https://www.mensenrechten.nl — 2023")
