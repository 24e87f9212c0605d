from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import BaseForm, strip


class SignOffForm(BaseForm):
    """The buttons of the checklist (submit, complete) and the sign-off's confirmation: the role signed in, the code
    of the content the signer read, and what they wish to say with it."""

    role = HiddenField()
    code = HiddenField()
    comment = TextAreaField(
        _l("Comment"), filters=[strip], validators=[Optional(), Length(max=2000)],
        description=_l("Kept with your sign-off and shown on the checklist to everyone who plans this visit. Name no "
                       "civil-society participant: use their alias."))


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class ConfirmCheckForm(BaseForm):
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)])


class SettingsForm(BaseForm):
    talking_points_block = BooleanField(
        _l("Missing human-rights talking points block finalisation"),
        description=_l("Off: an official meeting without talking points (or a reason) is a warning. "
                       "On: it stops the mission from being finalised."),
    )
    retention_days = IntegerField(
        _l("Days civil-society personal data is kept after the participant's last mission"),
        validators=[InputRequired(message=_l("Enter a number of days, e.g. 365.")),
                    NumberRange(min=30, max=3650, message=_l("Between 30 and 3650 days."))],
        description=_l("Then the real name, contact details and notes are removed; the alias and the facts of "
                       "consent and safety stay. An advisor can keep a participant longer, with a reason."),
    )
