"""Where a redirect may lead: only to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (never an address elsewhere)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):  # browsers read /\evil.example as //evil.example
        return None
    return target
