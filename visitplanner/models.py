"""Imports every model, so that the mappers and Alembic see the whole schema: in the models' layer, which imports
nothing above it (``docs/engineers.md``, "Layers")."""

from .audit.models import AuditEntry  # noqa: F401
from .auth.models import User, UserRole  # noqa: F401
from .auth.second_factor import RecoveryCode  # noqa: F401
from .itinerary.models import ProgrammeItem  # noqa: F401
from .missions.models import Company, DelegationMember, Mission  # noqa: F401
from .companies.models import (  # noqa: F401
    BriefingTopic,
    CivilSocietyConnection,
    CompanyBriefing,
    DefenderMeeting,
    DueDiligenceChange,
)
from .participants.models import (  # noqa: F401
    ConsentRecord,
    Consultation,
    ConsultationCover,
    Participant,
    SafetyAssessment,
)
from .partnerships.models import Partnership  # noqa: F401
from .readiness.models import ManualConfirmation, Setting, SignOff  # noqa: F401
from .calendar.models import CalendarFeed, FeedFetch  # noqa: F401
from .followup.models import FollowUp, MeetingOutcome  # noqa: F401
from .contacts.models import Contact  # noqa: F401
from .library.models import ComposedFrom, LibraryEntry, LibraryVersion, PolicyVersion  # noqa: F401
from .stakeholders.models import Involvement, Stakeholder  # noqa: F401
from .notices.models import Notice, NoticeOptOut  # noqa: F401
