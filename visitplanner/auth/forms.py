from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from ..forms import BaseForm, strip


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail address"), filters=[strip], validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1000)])


class CodeForm(BaseForm):
    code = StringField(_l("Code"), filters=[strip], validators=[InputRequired(), Length(max=40)],
                       description=_l("The six digits your authenticator app shows, or one of your recovery codes."))
