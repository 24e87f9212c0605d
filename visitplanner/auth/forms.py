from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from ..forms import BaseForm, strip


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail address"), filters=[strip], validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1000)])


#: An authenticator code: phones offer the code they received or generated, and a keyboard of digits.
ONE_TIME_CODE = {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
#: A recovery code has letters too: the ordinary keyboard, and nothing remembered or suggested.
RECOVERY_CODE = {"autocomplete": "off", "inputmode": "text", "spellcheck": "false", "autocapitalize": "none"}


class CodeForm(BaseForm):
    code = StringField(_l("Code"), filters=[strip], validators=[InputRequired(), Length(max=40)],
                       description=_l("The six digits your authenticator app shows."), render_kw=ONE_TIME_CODE)
