"""Forms of the talking-points library and the own policy: input shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import BaseForm, MultiCheckboxField, VersionedForm, strip
from .models import EntryKind

SOURCES_HINT = _l("At least one, one per line: title, link or citation, and date.")


class EntryForm(BaseForm):
    """A new entry, or a new version of one (then without its kind)."""

    kind = RadioField(_l("What does the entry prepare?"), choices=EntryKind.choices, validators=[InputRequired()])
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)],
                        description=_l("A short name, shown where the entry is picked and where it was used."))
    text = TextAreaField(_l("Text"), filters=[strip], validators=[DataRequired(), Length(max=4000)],
                         description=_l("What is said in the meeting. An answer to “what about the Netherlands?” is "
                                        "open about the Dutch situation and, in the same breath, expects openness "
                                        "from the partner."))
    sources = TextAreaField(_l("Sources"), filters=[strip], validators=[DataRequired(), Length(max=5000)],
                            description=SOURCES_HINT)
    #: The number of the version the edit was based on.
    based_on = HiddenField()


class ComposeForm(VersionedForm):
    """Compose an item's talking points from the library; ``version`` and ``base`` are the item's version and its
    talking points as the page showed them."""

    versions = MultiCheckboxField(_l("Entries of the library"), coerce=int, validators=[DataRequired(
        message=_l("Choose at least one entry of the library."))])


class PolicyForm(BaseForm):
    text = TextAreaField(_l("Our human-rights policy and openness commitments"), filters=[strip],
                         validators=[DataRequired(), Length(max=10000)],
                         description=_l("What the organisation itself commits to, stated up front: its own "
                                        "human-rights policy, and the openness about the Dutch situation it offers "
                                        "and expects from the partner."))
    sources = TextAreaField(_l("Sources"), filters=[strip], validators=[DataRequired(), Length(max=5000)],
                            description=SOURCES_HINT)
    based_on = HiddenField()


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
