from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired


class FeedForm(FlaskForm):
    kind = HiddenField(validators=[InputRequired()])
    mission_id = HiddenField()
    partnership_id = HiddenField()
    audience = SelectField(_l("Audience"), validators=[InputRequired()])
