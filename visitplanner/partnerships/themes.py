"""The focal themes' vocabulary: the four lines they are chosen along, and the catalogue seeded from the source
text's four lines of choice (B.b). Below the models (``docs/engineers.md``, "Layers"): it imports no model."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum


class ThemeLine(LabelledEnum):
    """The four lines along which focal themes are chosen (B.b)."""

    REGION = "region"
    OWN_POLICY = "own_policy"
    BUSINESS = "business"
    RESIDENTS = "residents"

    __labels__ = {
        REGION: _l("Strong in the partner region"),
        OWN_POLICY: _l("Central to own policy"),
        BUSINESS: _l("Tied to business interests"),
        RESIDENTS: _l("Alive among own residents"),
    }


#: key -> (name, line). The migration seeds these rows; their names are translated here.
CATALOGUE = {
    "labour_rights": (_l("Labour rights"), ThemeLine.REGION),
    "ethnic_minorities": (_l("Ethnic minorities"), ThemeLine.REGION),
    "detained_defender": (_l("A detained human-rights defender from the region"), ThemeLine.REGION),
    "lgbt_inclusion": (_l("LGBT+ inclusion"), ThemeLine.OWN_POLICY),
    "anti_discrimination": (_l("Anti-discrimination"), ThemeLine.OWN_POLICY),
    "surveillance_smart_cities": (_l("Surveillance and smart cities (predictive policing)"), ThemeLine.BUSINESS),
    "forced_evictions": (_l("Forced evictions"), ThemeLine.BUSINESS),
    "uyghur_forced_labour": (_l("Forced labour of Uyghurs"), ThemeLine.RESIDENTS),
    "social_credit": (_l("The social credit system"), ThemeLine.RESIDENTS),
    "freedom_of_expression": (_l("Freedom of expression and censorship"), ThemeLine.RESIDENTS),
}
