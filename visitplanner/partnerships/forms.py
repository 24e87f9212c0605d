from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import VersionedForm, strip
from .models import PartnershipKind, RegionType


class PartnershipForm(VersionedForm):
    own_organisation = StringField(
        _l("Own organisation"), filters=[strip], validators=[DataRequired(), Length(max=200)],
        description=_l("The municipality or province, e.g. Gemeente Voorbeeldstad."),
    )
    partner_region = StringField(
        _l("Partner region"), filters=[strip], validators=[DataRequired(), Length(max=200)],
        description=_l("The Chinese city or province."),
    )
    region_type = RadioField(
        _l("The partner region is a"),
        choices=lambda: [(t.value, t.label) for t in RegionType],
        validators=[InputRequired()],
    )
    kind = SelectField(
        _l("Kind of partnership"),
        choices=lambda: [(k.value, k.label) for k in PartnershipKind],
        validators=[InputRequired()],
    )
    cooperation_themes = TextAreaField(
        _l("Cooperation themes"), filters=[strip], validators=[Length(max=2000)],
        description=_l("For example: smart cities, water management, education."),
    )
