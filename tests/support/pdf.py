"""Reading a PDF the application made (the briefing book) as a person reads it: the text of each page, by pypdf."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_pages(reader: PdfReader) -> list[str]:
    """The text of each page, its runs of white space made one space (a name may break across lines)."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def response_text(response) -> str:
    """What a walk of the pages reads in an answer: a page or file as text, a PDF by the text of its pages."""
    if response.mimetype == "application/pdf":
        return " ".join(pdf_pages(pdf_reader(response.data)))
    return response.get_data(as_text=True)
