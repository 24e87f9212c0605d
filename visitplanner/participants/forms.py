from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import BaseForm, MultiCheckboxField, VersionedForm, strip
from .models import (
    ConsentMethod,
    ConsultationChannel,
    Decision,
    MeetingVisibility,
    ParticipantKind,
    RiskLevel,
)


class ParticipantForm(VersionedForm):
    real_name = StringField(_l("Real name"), filters=[strip], validators=[DataRequired(), Length(max=200)],
                            description=_l("Shown only to the human-rights advisor, the approver and the "
                                           "administrator, and only where the person's consent allows it."))
    alias = StringField(_l("Alias (code name)"), filters=[strip], validators=[Optional(), Length(max=80)],
                        description=_l("Used wherever the real name may not go. Leave empty to generate one."))
    organisation = StringField(_l("Organisation"), filters=[strip], validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=ParticipantKind.choices, validators=[InputRequired()])
    residence = StringField(_l("Where they live"), filters=[strip], validators=[Optional(), Length(max=200)])
    contact = TextAreaField(_l("How to reach them"), filters=[strip], validators=[Optional(), Length(max=500)],
                            description=_l("Phone, secure messenger, e-mail or an intermediary. Shown only to the "
                                           "roles that may see the real name; kept encrypted."))
    another_person = BooleanField(
        _l("This is another person with the same name"),
        description=_l("Tick only when a participant with this real name is already recorded and this is someone "
                       "else."))
    at_risk = BooleanField(_l("At risk"), default=True,
                           description=_l("For example a defender in China, or a resident whose family lives "
                                          "in Xinjiang. An at-risk person's real name never goes into a calendar feed."))
    in_partner_region = BooleanField(_l("Lives or works in the partner region"),
                                     description=_l("Their input to the action plan counts as input from the partner "
                                                    "region."))


class ConsentForm(VersionedForm):
    take_part = BooleanField(_l("Take part"))
    named_internal = BooleanField(_l("Be named in internal documents"))
    named_delegation = BooleanField(_l("Be named in the delegation's programme"))
    named_partner = BooleanField(_l("Be named to the partner authorities"))
    photos_press = BooleanField(_l("Photographs or press"))
    public_attention = BooleanField(_l("Public attention for their case"))
    method = RadioField(_l("How consent was obtained"),
                        choices=ConsentMethod.choices, validators=[InputRequired()])
    information_version = StringField(
        _l("Version of the information given"), filters=[strip], validators=[DataRequired(), Length(max=80)],
        description=_l("For example: information sheet v2, 2027-03-01."))
    reconfirm_by = DateField(_l("Reconfirm by"),
                             validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))],
                             description=_l("After this day the consent counts as not given."))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)])


class WithdrawForm(VersionedForm):
    method = RadioField(_l("How the withdrawal reached us"),
                        choices=ConsentMethod.choices, validators=[InputRequired()])
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)])


class AssessmentForm(VersionedForm):
    risk_level = RadioField(_l("Risk level"), choices=RiskLevel.choices, validators=[InputRequired()])
    threats = TextAreaField(_l("Threats"), filters=[strip], validators=[Optional(), Length(max=5000)])
    vulnerabilities = TextAreaField(_l("Vulnerabilities"), filters=[strip], validators=[Optional(), Length(max=5000)])
    capacities = TextAreaField(_l("Capacities"), filters=[strip], validators=[Optional(), Length(max=5000)])
    person_consulted = BooleanField(_l("The person was consulted on the meeting and its visibility"))
    meeting_visibility = RadioField(_l("Visibility of the meeting"),
                                    choices=MeetingVisibility.choices,
                                    default=MeetingVisibility.CONFIDENTIAL.value, validators=[InputRequired()])
    partner_informed = BooleanField(_l("Partner authorities are informed of the meeting"))
    names_shared_with_partner = BooleanField(_l("Names are shared with the partner authorities"))
    family_at_risk = BooleanField(_l("Family at risk in China"))
    venue = StringField(_l("Venue"), filters=[strip], validators=[Optional(), Length(max=300)])
    photos_allowed = BooleanField(_l("Photographs allowed"))
    social_media_allowed = BooleanField(_l("Social media allowed"))
    device_precautions = TextAreaField(_l("Device precautions"), filters=[strip],
                                       validators=[Optional(), Length(max=5000)])
    interpreter_vetted = BooleanField(_l("Interpreter vetted"))
    expectations_discussed = BooleanField(_l("Expectations discussed"))
    mitigations = TextAreaField(_l("Mitigations"), filters=[strip], validators=[Optional(), Length(max=5000)])
    decision = RadioField(_l("Decision"), choices=Decision.choices, validators=[InputRequired()])
    assessed_on = DateField(_l("Assessed on"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    valid_until = DateField(_l("Valid until"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    also_for = MultiCheckboxField(
        _l("The same assessment also for"), coerce=int, validators=[Optional()],
        description=_l("Other items of this mission the person takes part in: each gets this assessment, recorded "
                       "for it on its own."))


class ConsultationForm(BaseForm):
    channel = RadioField(_l("Who was consulted"), choices=ConsultationChannel.choices, validators=[InputRequired()])
    consulted = StringField(_l("Which post or person"), filters=[strip], validators=[DataRequired(), Length(max=300)],
                            description=_l("For example: Consulaat-generaal Shanghai, political section."))
    question = TextAreaField(_l("The question"), filters=[strip], validators=[DataRequired(), Length(max=5000)])
    answer = TextAreaField(_l("The answer"), filters=[strip], validators=[DataRequired(), Length(max=5000)])
    consulted_on = DateField(_l("Consulted on"),
                             validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    valid_until = DateField(_l("Valid until"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))],
                            description=_l("Until when the answer holds; after that the embassy is asked again."))
    covers = MultiCheckboxField(_l("About whom, at which item"), validators=[InputRequired(
        message=_l("Choose the participants and items the consultation was about."))])


class RenewForm(BaseForm):
    reason = TextAreaField(_l("Why the data is kept longer"), filters=[strip],
                           validators=[DataRequired(), Length(max=1000)],
                           description=_l("For example: the person asked to stay in touch for the next visit."))


class DataRequestForm(BaseForm):
    """Asking for a data subject's data (Art. 15): a POST, because it is logged."""

    format = SelectField(_l("As"), choices=lambda: [("html", _l("A page to print")), ("json", _l("JSON"))],
                         validators=[InputRequired()])


class EraseForm(BaseForm):
    alias = StringField(_l("Type the alias to confirm"), filters=[strip], validators=[DataRequired(), Length(max=80)])


class ProposalForm(BaseForm):
    """What a protocol officer may record of a participant: no real name, no contact details."""

    alias = StringField(_l("Alias (code name)"), filters=[strip], validators=[Optional(), Length(max=80)],
                        description=_l("Leave empty to generate one."))
    organisation = StringField(_l("Organisation"), filters=[strip], validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=ParticipantKind.choices, validators=[InputRequired()])
    at_risk = BooleanField(_l("At risk"), default=True)
    #: Offered when proposed from a mission: the item of its programme the person is to take part in.
    item = SelectField(_l("Takes part in"), coerce=int, validators=[InputRequired()],
                       description=_l("The programme item the person is proposed for; they can be added to "
                                      "others later."))


class AttachForm(BaseForm):
    """Adding a participant to a programme item from the participant's page: choose the item, then "Add"."""

    item = SelectField(_l("Add to programme item"), coerce=int, validators=[InputRequired(
        message=_l("Choose a programme item."))])
