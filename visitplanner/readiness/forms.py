from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import strip


class SignOffForm(FlaskForm):
    role = HiddenField()


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class ConfirmCheckForm(FlaskForm):
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)])


class SettingsForm(FlaskForm):
    talking_points_block = BooleanField(
        _l("Missing human-rights talking points block finalisation"),
        description=_l("Off: an official meeting without talking points (or a reason) is a warning. "
                       "On: it stops the mission from being finalised."),
    )
