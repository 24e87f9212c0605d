from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import BaseForm, strip
from ..partnerships.models import ProgressRating
from .models import FollowUpStatus

DATE_HINT = _l("Enter a date, e.g. 1 Apr 2027.")


class OutcomeForm(BaseForm):
    raised = TextAreaField(_l("What the delegation raised"), filters=[strip],
                           validators=[DataRequired(), Length(max=5000)])
    partner_response = TextAreaField(_l("The partner's response"), filters=[strip],
                                     validators=[Optional(), Length(max=5000)])


class FollowUpForm(BaseForm):
    what = TextAreaField(_l("What to follow up"), filters=[strip], validators=[DataRequired(), Length(max=2000)])
    with_whom = StringField(_l("With whom"), filters=[strip], validators=[Optional(), Length(max=300)])
    owner_id = SelectField(_l("Owner"), coerce=int, validators=[InputRequired()])
    due_date = DateField(_l("Due date"), validators=[InputRequired(message=DATE_HINT)])
    objective_id = SelectField(_l("Action-plan objective"), coerce=int, validators=[Optional()])


class FollowUpStatusForm(BaseForm):
    status = RadioField(_l("Status"), choices=FollowUpStatus.choices, validators=[InputRequired()])


class EvaluationForm(BaseForm):
    evaluated_on = DateField(_l("Date"), validators=[InputRequired(message=DATE_HINT)])
    progress = RadioField(_l("Progress"), choices=ProgressRating.choices, validators=[InputRequired()])
    findings = TextAreaField(_l("Findings"), filters=[strip], validators=[Optional(), Length(max=5000)])
    next_steps = TextAreaField(_l("Next steps"), filters=[strip], validators=[Optional(), Length(max=5000)])
    next_due = DateField(_l("Next evaluation due"), validators=[Optional()])
