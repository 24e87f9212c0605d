from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..auth.models import Role
from ..forms import MultiCheckboxField, VersionedForm, email_address, strip


class UserForm(VersionedForm):
    email = EmailField(
        _l("E-mail address"), filters=[strip], validators=[InputRequired(), email_address, Length(max=254)]
    )
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), choices=Role.choices, validators=[InputRequired()])
    active = BooleanField(_l("Account active"), default=True)
    password = PasswordField(
        _l("Password"),
        description=_l("At least 12 characters."),
        validators=[Optional(), Length(max=1000)],
    )

    def merged_fields(self) -> list:
        """The account's details, roles and active flag; never the password, which is no field of the record and
        must not travel in the page's base."""
        return [f for f in super().merged_fields() if f.name != "password"]


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Password"), description=_l("At least 12 characters."), validators=[InputRequired(), Length(max=1000)]
    )
