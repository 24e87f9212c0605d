"""What a downloaded programme file is called, and how it is handed over: the .ics download and the briefing book
(PDF) both name their files here and send them through :func:`attachment`.

A file name is an output too: a travel-safe copy is named by its dates only, since a name in a downloads folder is
read at the border as easily as the file (DOMAIN.md, travel-safe).
"""

from __future__ import annotations

import re
import unicodedata

from flask import Response, abort

from .auth.models import User
from .disclosure import Audience, chosen_audience

#: The longest slug of a mission's title in a file name: enough to tell missions apart in a downloads folder.
SLUG_LENGTH = 60


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Bezoek aan Zürich, mei" → "bezoek-aan-zurich-mei"): letters lose
    their accents, anything that has no ASCII form is left out; a long title keeps its first whole words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(words) > SLUG_LENGTH:  # cut at the last whole word that fits
        words = words[:SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return words


def export_audience(user: User, requested: str | None) -> Audience:
    """The audience of a download: delegation unless another is asked for; 404 for one the user may not have (or
    that does not exist)."""
    return chosen_audience(user, requested) or abort(404)


def download_name(mission, audience: Audience, extension: str = "ics", what: str = "") -> str:
    """The file name of a programme download: the mission's title as a slug (its id when the title has no ASCII
    letter), then what the file is (``what``, e.g. "briefing") and the audience. A travel-safe copy is named by its
    dates only, whatever the file is."""
    if audience == Audience.TRAVEL:
        return f"programme-{mission.start_date.isoformat()}-{mission.end_date.isoformat()}.{extension}"
    name = slug(mission.title) or f"programme-{mission.id}"
    return f"{name}-{what}-{audience.value}.{extension}" if what else f"{name}-{audience.value}.{extension}"


def attachment(body: bytes, content_type: str, filename: str) -> Response:
    """A file to save, not to show: ``Content-Disposition: attachment`` with its name quoted by Werkzeug, never by
    hand (nothing in a name can add a parameter to the header), and kept by no cache on the way."""
    response = Response(body)
    response.headers["Content-Type"] = content_type
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response
