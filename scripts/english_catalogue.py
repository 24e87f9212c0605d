"""Fill the English catalogue: the source strings are English, so each translation is its msgid."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

path = Path(__file__).resolve().parent.parent / "visitplanner/translations/en/LC_MESSAGES/messages.po"
with path.open("rb") as handle:
    catalog = read_po(handle, locale="en")
for message in catalog:
    if message.id:
        message.string = message.id
        message.flags.discard("fuzzy")
with path.open("wb") as handle:
    write_po(handle, catalog, sort_output=True, omit_header=False, width=100)
