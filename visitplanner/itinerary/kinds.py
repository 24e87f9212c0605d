"""The kinds of programme item, and the sets of them that rules and pages name.

Below the models (``docs/engineers.md``, "Layers"): a mission's model and the item's both read them, so they import
no model.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum


class ItemKind(LabelledEnum):
    __fields__ = ("kind",)

    OFFICIAL_MEETING = "official_meeting"
    NGO_VISIT = "ngo_visit"
    CITIZEN_MEETING = "citizen_meeting"
    BUSINESS_SESSION = "business_session"
    CIVIL_SOCIETY_DIALOGUE = "civil_society_dialogue"
    COMPANY_BRIEFING = "company_briefing"
    COMPANY_VISIT = "company_visit"
    PUBLIC_MOMENT = "public_moment"
    CULTURAL = "cultural"
    TRANSPORT = "transport"
    MEAL = "meal"
    OTHER = "other"
    #: Imported from a partner's draft programme (``itinerary/importing.py``): kept out of every feed, file and print
    #: (``disclosure.awaiting_classification``) until the office chooses its kind and who may see it. Never a choice
    #: in the item form: an item becomes one only by import.
    UNCLASSIFIED = "unclassified"

    __labels__ = {
        OFFICIAL_MEETING: _l("Official meeting with partner authorities"),
        NGO_VISIT: _l("Visit to an NGO or human-rights organisation"),
        CITIZEN_MEETING: _l("Meeting with residents"),
        BUSINESS_SESSION: _l("Business session on OECD Guidelines and UNGPs"),
        CIVIL_SOCIETY_DIALOGUE: _l("Dialogue with civil society, arranged with the partner"),
        COMPANY_BRIEFING: _l("Human-rights briefing for companies"),
        COMPANY_VISIT: _l("Company visit"),
        PUBLIC_MOMENT: _l("Public moment (speech, press)"),
        CULTURAL: _l("Cultural programme"),
        TRANSPORT: _l("Transport"),
        MEAL: _l("Meal"),
        OTHER: _l("Other"),
        UNCLASSIFIED: _l("To be classified"),
    }


#: The kinds a person chooses for an item: every kind but "to be classified", which only an import gives.
CHOSEN_KINDS = tuple(k for k in ItemKind if k != ItemKind.UNCLASSIFIED)


# ---- the human-rights kinds, stated once ------------------------------------------------------------------------

#: Kinds that are a meeting or dialogue with civil society: the outbound rule counts them, and high-risk mode set on a
#: mission keeps them out of every feed whether or not a participant is linked (a meeting recorded by head-count only).
CIVIL_SOCIETY_KINDS = frozenset({ItemKind.NGO_VISIT, ItemKind.CIVIL_SOCIETY_DIALOGUE, ItemKind.CITIZEN_MEETING})
#: The human-rights components of the exchange itself, which rule 1 counts and the week grid stars. A briefing of our
#: own companies is preparation, not part of the exchange: it counts under rule 3 only.
HUMAN_RIGHTS_COMPONENTS = CIVIL_SOCIETY_KINDS | {ItemKind.BUSINESS_SESSION}
#: The kinds whose very name says what a travel-safe copy must not: the components, and our own companies'
#: human-rights briefing. A travel copy shows them as a neutral "Meeting".
NEUTRAL_IN_TRAVEL = HUMAN_RIGHTS_COMPONENTS | {ItemKind.COMPANY_BRIEFING}

#: What a mission's balance of diplomacy weighs (``Mission.diplomacy_balance``): the public moments, against the
#: meetings where rights are raised behind closed doors.
PUBLIC_KINDS = frozenset({ItemKind.PUBLIC_MOMENT})
QUIET_KINDS = frozenset({ItemKind.OFFICIAL_MEETING, ItemKind.NGO_VISIT, ItemKind.CITIZEN_MEETING,
                         ItemKind.BUSINESS_SESSION})
