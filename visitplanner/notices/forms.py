"""The account page's form: which kinds of notice a person gets, and their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..auth.models import User
from ..forms import BaseForm, MultiCheckboxField
from .models import NoticeKind

#: The languages a notice can be written in, each named in itself.
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


class NoticeChoicesForm(BaseForm):
    kinds = MultiCheckboxField(_l("Send me a notice when"), description=_l(
        "Untick a kind to stop its notices; nothing of that kind is written for you until you tick it again."))
    language = RadioField(_l("Language of my notices"), validators=[InputRequired()],
                          choices=lambda: list(LANGUAGE_NAMES.items()))

    @classmethod
    def for_user(cls, user: User, **kwargs) -> NoticeChoicesForm:
        """The form with the kinds the person's roles may receive."""
        form = cls(**kwargs)
        form.kinds.choices = [(kind.value, kind.label) for kind in NoticeKind if kind.for_user(user)]
        return form
