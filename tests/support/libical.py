"""libical's own parser and restriction checks (RFC 5545 property counts per component), through ctypes.

libical is the C library under Evolution, GNOME Calendar and many CalDAV servers; Debian's ``libical3``
package provides it (``make test`` installs it). Its restriction checker marks every broken rule with an
``X-LIC-ERROR`` property, which ``restriction_errors`` returns as readable lines.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_NAMES = ("libical.so.3", ctypes.util.find_library("ical"))


def _load() -> ctypes.CDLL:
    for name in _NAMES:
        if name:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
    raise RuntimeError("libical is not installed: run `make test-deps` (Debian package libical3)")


_lib = _load()
_lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
_lib.icalparser_parse_string.restype = ctypes.c_void_p
_lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
_lib.icalrestriction_check.restype = ctypes.c_int
_lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
_lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
_lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
_lib.icalcomponent_free.restype = None


def restriction_errors(body: bytes) -> list[str]:
    """The ``X-LIC-ERROR`` lines libical adds when it parses ``body`` and checks its restrictions."""
    component = _lib.icalparser_parse_string(body)
    if not component:
        return ["libical could not parse the calendar at all"]
    try:
        _lib.icalrestriction_check(component)
        text = _lib.icalcomponent_as_ical_string(component).decode("utf-8")
    finally:
        _lib.icalcomponent_free(component)
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    return [line.strip() for line in unfolded.splitlines() if line.startswith("X-LIC-ERROR")]
