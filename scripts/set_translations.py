"""Set Dutch translations from a JSON file of {msgid: msgstr}: `python scripts/set_translations.py FILE`."""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

path = Path(__file__).resolve().parent.parent / "visitplanner/translations/nl/LC_MESSAGES/messages.po"
translations = json.loads(Path(sys.argv[1]).read_text())
with path.open("rb") as handle:
    catalog = read_po(handle, locale="nl")
missing = [msgid for msgid in translations if msgid not in catalog]
for msgid, text in translations.items():
    if msgid in catalog:
        catalog[msgid].string = text
        catalog[msgid].flags.discard("fuzzy")
with path.open("wb") as handle:
    write_po(handle, catalog, sort_output=True, omit_header=False, width=100)
untranslated = [m.id for m in catalog if m.id and not m.string]
print(f"set {len(translations) - len(missing)}; not in catalogue: {missing}; still untranslated: {len(untranslated)}")
for msgid in untranslated:
    print("  ", json.dumps(msgid, ensure_ascii=False))
