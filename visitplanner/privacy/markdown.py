"""The record of processing as a Markdown file: the same sections as the page, for the privacy officer's files."""

from __future__ import annotations

import re

from .record import TITLE, Cell, ProcessingRecord, Section, layout

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Text as Markdown shows it literally, on one line (a table cell stays one cell)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _cell(cell: Cell) -> str:
    parts = [escape(cell.text)] if cell.text else []
    if cell.codes:
        parts.append("; ".join(f"`{code}`" for code in cell.codes))
    return " ".join(parts)


def _section(section: Section) -> list[str]:
    lines = [f"## {escape(section.title)}", ""]
    for paragraph in section.paragraphs:
        lines += [escape(paragraph), ""]
    if section.headers and section.rows:
        lines.append("| " + " | ".join(escape(header) for header in section.headers) + " |")
        lines.append("|" + " --- |" * len(section.headers))
        lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in section.rows]
        lines.append("")
    return lines


def render_markdown(record: ProcessingRecord) -> str:
    """The whole record as a Markdown document."""
    lines = [f"# {escape(TITLE)}", ""]
    for section in layout(record):
        lines += _section(section)
    return "\n".join(lines).rstrip("\n") + "\n"
