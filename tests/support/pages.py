"""Reading what a page shows."""

from __future__ import annotations

import re
from html import unescape


def field_error(html: str, field: str) -> str:
    """The error text shown at a field ('' when none)."""
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field}-error">(.*?)</div>', html, re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()) if match else ""
