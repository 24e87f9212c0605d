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
from .models import DossierTopic, Objective, ObjectiveKind, PartnershipKind, RegionType, RiskLevel, ThemeLine


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


class ThemesForm(VersionedForm):
    themes = MultiCheckboxField(_l("Focal themes of this partnership"), coerce=int, validators=[Optional()],
                                description=_l("No theme is excluded up front for fear of “red lines”: "
                                               "self-censorship is the failure to avoid."))
    custom_name = StringField(_l("Add a theme of your own"), filters=[strip], validators=[Optional(), Length(max=200)])
    custom_line = SelectField(_l("Line of choice for your own theme"),
                              choices=ThemeLine.choices, validators=[Optional()])


class ObjectiveForm(BaseForm):
    kind = RadioField(_l("An objective, or a project with a local partner?"), choices=ObjectiveKind.choices,
                      default=ObjectiveKind.OBJECTIVE.value, validators=[Optional()])
    what = TextAreaField(_l("Objective"), filters=[strip], validators=[DataRequired(), Length(max=2000)])
    local_partner = StringField(
        _l("Local partner (projects only)"), filters=[strip], validators=[Optional(), Length(max=200)],
        description=_l("The organisation the project is carried out with, e.g. a university or a foundation in the "
                       "partner region: never a person's name."))
    focal_theme_id = SelectField(_l("Focal theme"), coerce=int, validators=[Optional()])
    benchmark = TextAreaField(_l("Benchmark"), filters=[strip], validators=[Optional(), Length(max=2000)])
    target_date = DateField(_l("Target date"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    evaluation_due = DateField(_l("Evaluation due"), validators=[Optional()])


class ReviewForm(BaseForm):
    held_on = DateField(_l("Held on"), validators=[InputRequired(message=_l("Enter a date, e.g. 1 Apr 2027."))])
    conclusion = TextAreaField(
        _l("Overall conclusion"), filters=[strip], validators=[DataRequired(), Length(max=10000)],
        description=_l("Where the partnership stands against its action plan: the benchmarks met, and where the "
                       "plan must change. In the council's edition of the report."))
    next_steps = TextAreaField(_l("Next steps"), filters=[strip], validators=[Optional(), Length(max=10000)],
                               description=_l("In the council's edition of the report."))
    internal_notes = TextAreaField(
        _l("Internal notes: risk and safety details"), filters=[strip], validators=[Optional(), Length(max=10000)],
        description=_l("For the office only: never in the council's edition. Name no civil-society people here."))

    #: The per-objective notes are fields named ``note_<objective id>`` (:func:`review_form`).
    NOTE = "note_"

    def notes(self) -> dict[int, str]:
        """The note written for each objective, by its id."""
        return {int(f.name.removeprefix(self.NOTE)): f.data or "" for f in self if f.name.startswith(self.NOTE)}

    def note_fields(self) -> list:
        return [f for f in self if f.name.startswith(self.NOTE)]


def review_form(objectives: list[Objective]) -> ReviewForm:
    """The review form with a note field for each objective and project, labelled by it."""

    class Form(ReviewForm):
        pass

    for objective in objectives:
        setattr(Form, f"{ReviewForm.NOTE}{objective.id}", TextAreaField(
            objective.label, filters=[strip], validators=[Optional(), Length(max=5000)]))
    return Form()
