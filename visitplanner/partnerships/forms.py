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
from .models import DossierTopic, PartnershipKind, RegionType, RiskLevel, ThemeLine


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
        choices=RegionType.choices,
        validators=[InputRequired()],
    )
    kind = SelectField(
        _l("Kind of partnership"),
        choices=PartnershipKind.choices,
        validators=[InputRequired()],
    )
    cooperation_themes = TextAreaField(
        _l("Cooperation themes"), filters=[strip], validators=[Length(max=2000)],
        description=_l("For example: smart cities, water management, education."),
    )


class AdviceForm(VersionedForm):
    risk_level = RadioField(_l("Risk level"), choices=RiskLevel.choices, validators=[InputRequired()])
    advised_against = BooleanField(
        _l("Engagement advised against"),
        description=_l("Research shows repression so large that no human-rights engagement is possible "
                       "(the source text's example: Xinjiang). New missions then need an approver's override."),
    )
    advised_against_reason = TextAreaField(_l("Reason for the advice"), filters=[strip],
                                           validators=[Optional(), Length(max=5000)])


class DossierEntryForm(BaseForm):
    topic = SelectField(_l("Topic"), choices=DossierTopic.choices, validators=[InputRequired()])
    summary = TextAreaField(_l("Summary"), filters=[strip], validators=[DataRequired(), Length(max=10000)])
    sources = TextAreaField(_l("Sources"), filters=[strip], validators=[DataRequired(), Length(max=5000)],
                            description=_l("At least one, one per line: title, link or citation, and date."))
    entry_date = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])


class ThemesForm(BaseForm):
    themes = MultiCheckboxField(_l("Focal themes of this partnership"), coerce=int, validators=[Optional()],
                                description=_l("No theme is excluded up front for fear of “red lines”: "
                                               "self-censorship is the failure to avoid."))
    custom_name = StringField(_l("Add a theme of your own"), filters=[strip], validators=[Optional(), Length(max=200)])
    custom_line = SelectField(_l("Line of choice for your own theme"),
                              choices=ThemeLine.choices, validators=[Optional()])


class ObjectiveForm(BaseForm):
    what = TextAreaField(_l("Objective"), filters=[strip], validators=[DataRequired(), Length(max=2000)])
    focal_theme_id = SelectField(_l("Focal theme"), coerce=int, validators=[Optional()])
    benchmark = TextAreaField(_l("Benchmark"), filters=[strip], validators=[Optional(), Length(max=2000)])
    target_date = DateField(_l("Target date"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    evaluation_due = DateField(_l("Evaluation due"), validators=[Optional()])
