"""The company register's forms: input shape only (the rules are the operations')."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import BaseForm, MultiCheckboxField, VersionedForm, strip
from ..missions.models import DueDiligence
from ..partnerships.models import DossierTopic

_DATE = _l("Enter a date, e.g. 10 November 2026.")


class CompanyForm(VersionedForm):
    name = StringField(_l("Company name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    sector = StringField(_l("Sector"), filters=[strip], validators=[Optional(), Length(max=200)])
    contact = StringField(_l("Contact"), filters=[strip], validators=[Optional(), Length(max=300)],
                          description=_l("Name, e-mail address or telephone number of the contact person."))
    ties = TextAreaField(_l("Ties to China and the partner region"), filters=[strip],
                         validators=[Optional(), Length(max=5000)],
                         description=_l("Trade, a plant, suppliers, a project: what ties the company to the region."))


class BriefingForm(VersionedForm):
    briefed_on = DateField(_l("Day of the briefing"), validators=[InputRequired(message=_DATE)],
                           description=_l("The briefing on the OECD Guidelines, the UNGPs, due diligence and the "
                                          "issues of the research and the action plan."))
    held = BooleanField(_l("The briefing was held"),
                        description=_l("Until then the day is a plan: a briefing counts once it is held before "
                                       "departure, for a set period."))
    briefed_by = SelectField(_l("Given by"), coerce=int, validators=[Optional()])
    topics = MultiCheckboxField(_l("Topics of the research dossier covered"), choices=lambda: DossierTopic.choices(),
                                validators=[Optional()])
    objectives = MultiCheckboxField(_l("Objectives of the action plan covered"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=5000)])


class DueDiligenceForm(BaseForm):
    status = RadioField(_l("Due diligence (OECD Guidelines, UNGPs)"), choices=lambda: DueDiligence.choices(),
                        validators=[InputRequired(message=_l("Choose a due-diligence status."))])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=5000)],
                         description=_l("What was done or found: a supply-chain analysis, a risk, a step agreed."))


class MeetingForm(BaseForm):
    met_on = DateField(_l("Day of the meeting"), validators=[InputRequired(message=_DATE)])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=5000)],
                         description=_l("No names: local defenders are at risk. Refer to people by alias via the "
                                        "participants register."))


class ConnectionForm(BaseForm):
    connected_with = StringField(_l("Organisation"), filters=[strip], validators=[DataRequired(), Length(max=200)],
                                 description=_l("E.g. the Business and Human Rights Resource Centre."))
    connected_on = DateField(_l("Day of the contact"), validators=[InputRequired(message=_DATE)])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=5000)])


class ObjectivesForm(VersionedForm):
    objectives = MultiCheckboxField(_l("Objectives of the action plan the company is involved in"), coerce=int,
                                    validators=[Optional()])
