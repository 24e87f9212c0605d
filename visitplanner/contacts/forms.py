from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import MultiCheckboxField, VersionedForm, strip
from .models import ContactKind


class ContactForm(VersionedForm):
    kind = RadioField(_l("Kind of contact"), choices=ContactKind.choices, validators=[InputRequired()])
    happened_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    subject = StringField(_l("Subject"), filters=[strip], validators=[DataRequired(), Length(max=200)],
                          description=_l("In a few words, e.g. “Call with the foreign affairs office about the "
                                         "spring visit”."))
    focal_themes = MultiCheckboxField(
        _l("Focal themes raised"), coerce=int, validators=[Optional()],
        description=_l("Human rights belong in every contact with the partner region, not only in visits."))
    partner_response = TextAreaField(_l("The partner's response"), filters=[strip],
                                     validators=[Optional(), Length(max=5000)])
