from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import BaseForm, strip


class SignOffForm(BaseForm):
    role = HiddenField()


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
