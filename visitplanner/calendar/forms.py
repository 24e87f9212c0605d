from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from ..forms import BaseForm


class FeedForm(BaseForm):
    kind = HiddenField(validators=[InputRequired()])
    mission_id = HiddenField()
    partnership_id = HiddenField()
    audience = SelectField(_l("Audience"), validators=[InputRequired()])
