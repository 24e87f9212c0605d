"""Input shape of the register's forms and of an objective's involvement."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..forms import BaseForm, VersionedForm, strip
from .models import InvolvementWay, Stakeholder, StakeholderKind


class StakeholderForm(VersionedForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)],
                       description=_l("While the organisation is protected, shown only to the human-rights advisor, "
                                      "the approver and the administrator; kept encrypted."))
    alias = StringField(_l("Alias (code name)"), filters=[strip], validators=[Optional(), Length(max=80)],
                        description=_l("Used wherever the name may not go. Leave empty to generate one."))
    kind = SelectField(_l("Kind"), choices=StakeholderKind.choices, validators=[InputRequired()])
    contact = TextAreaField(_l("How to reach them"), filters=[strip], validators=[Optional(), Length(max=500)],
                            description=_l("A contact person, a secure messenger or an intermediary. Kept encrypted; "
                                           "shown on this record's page only, by the same rule as the name."))


class ProtectionForm(VersionedForm):
    protected = RadioField(_l("Protection"), choices=lambda: [
        ("yes", _l("Protected: others see the alias only")),
        ("no", _l("Not protected: everyone on the staff sees the name")),
    ], validators=[InputRequired()])
    reason = TextAreaField(_l("Why it need not be protected"), filters=[strip],
                           validators=[Optional(), Length(max=2000)],
                           description=_l("Required to release it, e.g. a national organisation that speaks in public "
                                          "under its own name."))

    #: What the page showed of the organisation, and how each is labelled where it changed meanwhile.
    SEEN = ("alias", "kind", "protected", "reason")

    @staticmethod
    def state(stakeholder: Stakeholder) -> dict:
        """What the page shows of the organisation, kept in the form's base to tell later what changed meanwhile."""
        return {"alias": stakeholder.alias, "kind": stakeholder.kind, "protected": stakeholder.protected,
                "reason": stakeholder.released_reason}

    def changed_meanwhile(self, stakeholder: Stakeholder) -> list[tuple[str, str, str]] | None:
        """What changed of the organisation since the page was loaded, as (label, then, now); None when the page did
        not say what it showed."""
        then = self.seen_then()
        if then is None:
            return None
        now = self.state(stakeholder)
        labels = {"alias": _("Alias"), "kind": _("Kind"), "protected": _("Protected"),
                  "reason": _("Why it need not be protected")}
        return [(labels[name], _shown(name, then.get(name)), _shown(name, now[name]))
                for name in self.SEEN if then.get(name) != now[name]]


class InvolvementForm(BaseForm):
    party = SelectField(_l("Who"), validators=[InputRequired()],
                        description=_l("An organisation of the register, a person (a civil-society participant) or a "
                                       "company."))
    held_on = DateField(_l("When"), validators=[InputRequired()])
    way = SelectField(_l("How"), choices=InvolvementWay.choices, validators=[InputRequired()])
    said = TextAreaField(_l("What they said or contributed"), filters=[strip],
                         validators=[Optional(), Length(max=5000)],
                         description=_l("Kept encrypted. For a protected organisation or a person, read only by the "
                                        "human-rights advisor, the approver and the administrator."))


def _shown(name: str, value) -> str:
    if name == "protected":
        return _("yes") if value else _("no")
    if name == "kind" and value in {k.value for k in StakeholderKind}:
        return str(StakeholderKind(value).label)
    return value or "—"
