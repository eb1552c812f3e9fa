"""/.well-known/security.txt (RFC 9116) from content/trust.yml.

`expires` is a date; the file says the end of that day in UTC, so a date of 2027-06-30 stays valid through
that day. Every value was checked for shape when trust.yml was read (https addresses, an email, language
tags); the line-break check here keeps one value from ever adding a field of its own.
"""

from __future__ import annotations

from trustbinder.model.trust import Trust

WELL_KNOWN_PATH = ".well-known/security.txt"


def _line(field: str, value: str) -> str:
    if any(c in value for c in "\r\n"):
        raise ValueError(f"security.txt {field} contains a line break")
    return f"{field}: {value}"


def render_security_txt(trust: Trust, site_url: str | None) -> str | None:
    """The file's text, or None when trust.yml has no security_txt section."""
    if trust.security_txt_expires is None or trust.security_email is None:
        return None
    lines = [
        _line("Contact", f"mailto:{trust.security_email}"),
        _line("Expires", f"{trust.security_txt_expires.isoformat()}T23:59:59Z"),
    ]
    if trust.security_txt_encryption:
        lines.append(_line("Encryption", trust.security_txt_encryption))
    if trust.security_txt_acknowledgments:
        lines.append(_line("Acknowledgments", trust.security_txt_acknowledgments))
    if trust.security_txt_policy:
        lines.append(_line("Policy", trust.security_txt_policy))
    if trust.preferred_languages:
        lines.append(_line("Preferred-Languages", ", ".join(trust.preferred_languages)))
    if site_url:
        lines.append(_line("Canonical", site_url.rstrip("/") + "/" + WELL_KNOWN_PATH))
    return "\n".join(lines) + "\n"
