"""Messages kept as codes with parameters and translated when shown (issue 13, part 8): ``visitplanner/messages.py``."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from flask_babel import force_locale

import visitplanner
from visitplanner.messages import check_ref, field_ref, joined, shown, stored, stored_n, value_ref
from visitplanner.readiness.operations import void_reason

CHANGED = void_reason([
    stored("“%(title)s”: %(field)s %(old)s → %(new)s", title="Ontvangst", field=field_ref("visibility", lower=True),
           old=value_ref("visibility", "delegation"), new=value_ref("visibility", "internal")),
    stored("Check “%(check)s”: %(old)s → %(new)s (%(reason)s)", check=check_ref("consent"), old=stored("pass"),
           new=stored("fail"), reason=joined([joined([stored("%(alias)s withdrew consent", alias="Reiger-2041")]),
                                              "."], "")),
])


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "Changed since it was submitted for sign-off: “Ontvangst”: visibility Delegation → Internal (office only); "
           "Check “Consent of civil-society participants”: pass → fail (Reiger-2041 withdrew consent.)."),
    ("nl", "Gewijzigd sinds het ter aftekening is aangeboden: “Ontvangst”: zichtbaarheid Delegatie → "
           "Intern (alleen eigen organisatie); Controle “Toestemming van deelnemers uit het maatschappelijk "
           "middenveld”: in orde → fout (Reiger-2041 heeft de toestemming ingetrokken.)."),
])
def test_one_stored_message_reads_in_each_language_and_survives_json(app, locale, expected):
    kept = json.loads(json.dumps(CHANGED))  # what the column gives back
    with app.test_request_context(), force_locale(locale):
        assert shown(kept) == expected


def test_plurals_choose_by_the_number_and_numbers_stay_numbers(app):
    def sources(num: int) -> dict:
        return stored_n("a source (a link or a citation) for %(num)d dossier entry",
                        "a source (a link or a citation) for %(num)d dossier entries", num)

    with app.test_request_context(), force_locale("en"):
        assert shown(sources(1)).endswith("for 1 dossier entry") and shown(sources(3)).endswith("for 3 dossier entries")
        assert shown(stored("and %(n)d more changes", n=4)) == "and 4 more changes"


def test_typed_text_and_broken_messages_are_shown_without_failing(app):
    with app.test_request_context(), force_locale("en"):
        assert shown("Programma nog niet rond.") == "Programma nog niet rond."  # a reason as a person typed it
        assert shown(None) == ""
        assert shown(stored("and %(n)d more changes", m=4)) == "and %(n)d more changes"  # wrong parameters: no 500


# ---- the lowest modules --------------------------------------------------------------------------------------------

PACKAGE = Path(visitplanner.__file__).parent


def application_imports(source: str, path: Path) -> set[str]:
    """The application's modules that the module at ``path`` imports, at its top and inside its functions alike."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found |= {module} if node.module else {f"{module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "visitplanner" or name.startswith("visitplanner.")}


def imported_by(module: str) -> set[str]:
    path = PACKAGE / module
    return application_imports(path.read_text(encoding="utf-8"), path)


@pytest.mark.parametrize("module", ["messages.py", "enums.py"])
def test_the_lowest_modules_import_nothing_of_the_application(module):
    """Every area imports them: they are given what they show (``messages.use_labels``), never fetch it."""
    assert imported_by(module) == set()


def test_the_audit_labels_import_no_area_since_the_enums_say_which_fields_they_label():
    assert imported_by("audit/labels.py") == {"visitplanner.enums", "visitplanner.formatting", "visitplanner.messages"}


def test_imports_inside_functions_and_relative_ones_are_read_too():
    source = "import json\n\ndef later():\n    from ..audit.labels import audit_value\n    from . import checks\n"
    assert application_imports(source, PACKAGE / "readiness" / "example.py") == {
        "visitplanner.audit.labels", "visitplanner.readiness.checks"}
    assert application_imports("import visitplanner.enums\n", PACKAGE / "x.py") == {"visitplanner.enums"}
