from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from ..auth.models import User
from ..disclosure import Audience, feed_audiences_for
from ..forms import BaseForm


class FeedForm(BaseForm):
    kind = HiddenField(validators=[InputRequired()])
    mission_id = HiddenField()
    partnership_id = HiddenField()
    audience = SelectField(_l("Audience"), validators=[InputRequired()])

    @classmethod
    def for_user(cls, user: User) -> FeedForm:
        """The form with the audiences the user may subscribe to: never the travel-safe copy, which is a file."""
        form = cls()
        form.audience.choices = Audience.choices(among=feed_audiences_for(user))
        return form

    @property
    def refusal(self) -> str:
        """Why the form was refused, for the page it leads back to."""
        if self.audience.data == Audience.TRAVEL.value:
            return _("The travel-safe programme is only printed or downloaded as a file, never subscribed to as a "
                     "calendar feed.")
        return _("Choose an audience your role allows.")
