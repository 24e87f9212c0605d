"""The organisation's house style: its name, logo and colours, from the settings (``config.py``), on NL Design System
theme tokens.

The vendored example theme (``static/vendor/utrecht/theme.css``, class ``voorbeeld-theme``) sets every component's
tokens from a small set of ``--basis-*`` tokens. The organisation's two colours set those basis tokens again, in a
stylesheet generated here once when the application starts and served at ``/organisation/theme.css`` (cacheable: its
address carries a digest of its text). Pages carry no inline style: the policy allows none.

Contrast is kept by construction, whatever colours are set (WCAG 2.1 AA): text on the primary colour is white or
black, whichever contrasts more (either reaches 4.5:1 on any colour); a colour used for text or links on the light
backgrounds is darkened until it reaches 4.5:1 on them; borders of controls reach 3:1.

In the foundation (``docs/engineers.md``, "Layers"): it imports nothing of the application.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: A sober dark blue and a blue for links; the greys are the example theme's own.
DEFAULT_PRIMARY = "#154273"
DEFAULT_LINK = "#01689b"
WHITE = "#ffffff"
BLACK = "#000000"
#: The light backgrounds text and links stand on (the page and the subtle grey of tables and panels): every text
#: colour is checked against the darkest of them.
LIGHT_BACKGROUNDS = (WHITE, "#eff1f3")
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0
#: What a logo may be: images a browser shows in an ``<img>``.
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".webp": "image/webp", ".gif": "image/gif"}

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class ThemeError(ValueError):
    """A setting of the house style that cannot be used, with what to do about it."""


# ---- colours -----------------------------------------------------------------------------------------------------


def parse_colour(value: str, setting: str) -> str:
    """``value`` as ``#rrggbb`` (lower case); ``#abc`` and a missing ``#`` are accepted."""
    match = _HEX.match(value.strip())
    if not match:
        raise ThemeError(f"{setting}: {value!r} is not a colour; write it as #rrggbb, e.g. {DEFAULT_PRIMARY}")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0 to 1) of ``other`` mixed in."""
    a, b = _rgb(colour), _rgb(other)
    return _hex(tuple(x + (y - x) * share for x, y in zip(a, b)))


def text_on(background: str) -> str:
    """White or black, whichever reads better on ``background`` (at least 4.58:1 on any colour)."""
    return WHITE if contrast(WHITE, background) >= contrast(BLACK, background) else BLACK


def readable(colour: str, backgrounds: tuple[str, ...] = LIGHT_BACKGROUNDS, ratio: float = TEXT_CONTRAST) -> str:
    """``colour`` darkened just enough to reach ``ratio`` on every one of the light ``backgrounds``."""
    for step in range(0, 101):
        candidate = mix(colour, BLACK, step / 100)
        if all(contrast(candidate, background) >= ratio for background in backgrounds):
            return candidate
    return BLACK


def _away_from(colour: str, text: str, share: float) -> str:
    """A hover or pressed shade: further from its text colour, so that the contrast only grows."""
    return mix(colour, BLACK if text == WHITE else WHITE, share)


# ---- the theme ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """What the pages need of the house style."""

    name: str
    css: str
    #: A digest of the stylesheet's text: its address carries it, so that a browser may keep it as long as it likes.
    version: str
    #: The logo file served at /organisation/logo, or an address on this site; None without a logo.
    logo_file: Path | None
    logo_address: str | None
    logo_version: str | None
    #: The logo file's bytes, read once at the start (a logo is small; a new one needs a restart, as settings do).
    logo_bytes: bytes | None = None

    @property
    def logo_type(self) -> str:
        suffix = self.logo_file.suffix.lower() if self.logo_file else ""
        return LOGO_TYPES.get(suffix) or mimetypes.guess_type(str(self.logo_file))[0] or "application/octet-stream"


def tokens(primary: str, link: str) -> dict[str, str]:
    """The NL Design System basis tokens the two colours set: the example theme derives every component's colours
    (buttons, links, checked radio buttons and checkboxes, the page header and footer, headings) from these."""
    on_primary = text_on(primary)
    accent = readable(primary)  # the primary colour as text on the light backgrounds
    accent_hover = readable(mix(accent, BLACK, 0.25))
    link = readable(link)
    link_hover = readable(mix(link, BLACK, 0.25))
    border = readable(primary, ratio=NON_TEXT_CONTRAST)
    values = {
        # Accent 1: the organisation's own colour. As a surface (the header band, primary buttons), with its text.
        "--basis-color-accent-1-inverse-bg-default": primary,
        "--basis-color-accent-1-inverse-bg-hover": _away_from(primary, on_primary, 0.2),
        "--basis-color-accent-1-inverse-bg-active": _away_from(primary, on_primary, 0.35),
        "--basis-color-accent-1-inverse-bg-subtle": _away_from(primary, on_primary, 0.35),
        "--basis-color-accent-1-inverse-bg-document": _away_from(primary, on_primary, 0.35),
        "--basis-color-accent-1-inverse-color-default": on_primary,
        "--basis-color-accent-1-inverse-color-hover": on_primary,
        "--basis-color-accent-1-inverse-color-active": on_primary,
        "--basis-color-accent-1-inverse-color-document": on_primary,
        "--basis-color-accent-1-inverse-color-subtle": on_primary,
        "--basis-color-accent-1-inverse-border-default": on_primary,
        "--basis-color-accent-1-inverse-border-hover": on_primary,
        "--basis-color-accent-1-inverse-border-active": on_primary,
        "--basis-color-accent-1-inverse-border-subtle": on_primary,
        # As text and lines on the light backgrounds (secondary and subtle buttons, checked controls).
        "--basis-color-accent-1-color-default": accent,
        "--basis-color-accent-1-color-hover": accent_hover,
        "--basis-color-accent-1-color-active": accent_hover,
        "--basis-color-accent-1-color-document": accent_hover,
        "--basis-color-accent-1-color-subtle": accent,
        "--basis-color-accent-1-border-default": border,
        "--basis-color-accent-1-border-hover": accent,
        "--basis-color-accent-1-border-active": accent_hover,
        "--basis-color-accent-1-border-subtle": mix(primary, WHITE, 0.6),
        # As light tints (hover backgrounds, the footer).
        "--basis-color-accent-1-bg-default": mix(primary, WHITE, 0.9),
        "--basis-color-accent-1-bg-hover": mix(primary, WHITE, 0.85),
        "--basis-color-accent-1-bg-active": mix(primary, WHITE, 0.8),
        "--basis-color-accent-1-bg-subtle": mix(primary, WHITE, 0.95),
        "--basis-color-accent-1-bg-document": WHITE,
        # The primary button: the example theme names its background apart from the accent.
        "--basis-color-action-1-inverse-bg-default": primary,
        # Action 2: links.
        "--basis-color-action-2-color-default": link,
        "--basis-color-action-2-color-hover": link_hover,
        "--basis-color-action-2-color-active": link_hover,
        "--basis-color-action-2-color-document": link_hover,
        "--basis-color-action-2-color-subtle": link,
        "--basis-color-action-2-border-default": readable(link, ratio=NON_TEXT_CONTRAST),
        "--basis-color-action-2-border-hover": link,
        "--basis-color-action-2-border-active": link,
        "--basis-color-action-2-bg-default": mix(link, WHITE, 0.9),
        "--basis-color-action-2-bg-hover": mix(link, WHITE, 0.85),
        "--basis-color-action-2-bg-active": mix(link, WHITE, 0.8),
        "--basis-color-action-2-bg-subtle": mix(link, WHITE, 0.95),
        # Headings in the organisation's colour, as dark as text needs.
        "--basis-heading-color": accent,
    }
    return values


def stylesheet(primary: str, link: str, extra: str = "") -> str:
    """The generated stylesheet: the tokens on ``.vp-theme`` (the class of every page's root), then the
    organisation's own stylesheet, if it brings one (its tokens win: same selector, later)."""
    lines = ["/* The organisation's house style: generated from its settings (visitplanner/theme.py). */",
             ".vp-theme {"]
    lines += [f"  {name}: {value};" for name, value in tokens(primary, link).items()]
    lines.append("}")
    css = "\n".join(lines) + "\n"
    if extra:
        css += "\n/* ORGANISATION_STYLESHEET */\n" + extra.rstrip() + "\n"
    return css


def _file_in(instance_path: str, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else Path(instance_path) / path


def build_theme(config: dict[str, Any], instance_path: str) -> Theme:
    """The house style the settings describe; :class:`ThemeError` for a setting that cannot be used, so that an
    instance does not start with a look nobody chose."""
    primary = parse_colour(config.get("ORGANISATION_PRIMARY_COLOUR") or DEFAULT_PRIMARY,
                           "ORGANISATION_PRIMARY_COLOUR")
    link = parse_colour(config.get("ORGANISATION_LINK_COLOUR") or DEFAULT_LINK, "ORGANISATION_LINK_COLOUR")
    extra = ""
    if config.get("ORGANISATION_STYLESHEET"):
        sheet = _file_in(instance_path, config["ORGANISATION_STYLESHEET"])
        if not sheet.is_file():
            raise ThemeError(f"ORGANISATION_STYLESHEET: there is no file {sheet}")
        extra = sheet.read_text(encoding="utf-8")
    css = stylesheet(primary, link, extra)
    logo_file = logo_address = logo_version = logo_bytes = None
    logo = (config.get("ORGANISATION_LOGO") or "").strip()
    if logo:
        if logo.startswith(("http://", "https://", "//")):
            raise ThemeError("ORGANISATION_LOGO: the pages load nothing from other sites (their security policy); "
                             "put the file in the instance folder and name it, e.g. ORGANISATION_LOGO=logo.svg")
        candidate = _file_in(instance_path, logo)
        if candidate.is_file():
            if candidate.suffix.lower() not in LOGO_TYPES:
                raise ThemeError(f"ORGANISATION_LOGO: {candidate.name} is not an image a browser shows "
                                 f"({', '.join(sorted(LOGO_TYPES))})")
            logo_file, logo_bytes = candidate, candidate.read_bytes()
            logo_version = hashlib.sha256(logo_bytes).hexdigest()[:12]
        elif logo.startswith("/"):
            logo_address = logo  # an address on this site, e.g. /static/… behind the same proxy
        else:
            raise ThemeError(f"ORGANISATION_LOGO: there is no file {candidate}")
    return Theme(name=config.get("ORGANISATION_NAME") or "", css=css,
                 version=hashlib.sha256(css.encode()).hexdigest()[:12],
                 logo_file=logo_file, logo_address=logo_address, logo_version=logo_version, logo_bytes=logo_bytes)
