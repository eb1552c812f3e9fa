"""Brand colours made readable: WCAG 2 contrast, and the nearest shade of a colour that reaches it.

A brand colour is used as the header background (with white or black text, whichever reads better) and as
the link colour on the light and the dark background. A brand colour too pale for links on white is darkened,
one too dark for the dark scheme is lightened, until text reaches 4.5:1, the WCAG AA level axe checks.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
# Material's dark ("slate") background: hsl(232deg 15% 14%).
SLATE_BACKGROUND: RGB = (30, 32, 41)
TEXT_CONTRAST = 4.5


def parse_hex(value: str) -> RGB:
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def to_hex(color: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*color)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: RGB) -> float:
    r, g, b = (_channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: RGB, second: RGB) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(color: RGB, toward: RGB, amount: float) -> RGB:
    r, g, b = (round(c + (t - c) * amount) for c, t in zip(color, toward, strict=True))
    return r, g, b


def readable_on(color: RGB, background: RGB, minimum: float = TEXT_CONTRAST) -> RGB:
    """`color`, or the least-changed shade of it toward black or white that reads on `background`."""
    if contrast(color, background) >= minimum:
        return color
    toward = BLACK if luminance(background) > 0.5 else WHITE
    for step in range(1, 101):
        candidate = mix(color, toward, step / 100)
        if contrast(candidate, background) >= minimum:
            return candidate
    return toward


def text_on(background: RGB) -> RGB:
    return WHITE if contrast(WHITE, background) >= contrast(BLACK, background) else BLACK


@dataclass(frozen=True)
class Palette:
    """CSS values derived from one brand colour."""

    fill: str  # header and buttons
    fill_light: str
    fill_dark: str
    on_fill: str  # text on the fill
    link_light: str  # links on the white background
    link_dark: str  # links on the dark background


def palette(brand: str) -> Palette:
    color = parse_hex(brand)
    on_fill = text_on(color)
    fill = readable_on(color, on_fill)
    return Palette(
        fill=to_hex(fill),
        fill_light=to_hex(mix(fill, WHITE, 0.15)),
        fill_dark=to_hex(mix(fill, BLACK, 0.15)),
        on_fill=to_hex(on_fill),
        link_light=to_hex(readable_on(color, WHITE)),
        link_dark=to_hex(readable_on(color, SLATE_BACKGROUND)),
    )
