"""Remove metadata from images before they are published: camera, GPS, author and software fields.

Works on the container structure only (JPEG segments, PNG chunks), so pixels are copied untouched and the
output is the same bytes on every build.
"""

from __future__ import annotations

import struct

# PNG chunks that carry text, dates or EXIF; everything else (pixels, palette, colour profile) is kept.
_PNG_METADATA_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"})
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG APP1 (EXIF, XMP), APP12/APP13 (Photoshop, IPTC) and COM; APP0 (JFIF), APP2 (ICC) and APP14 (Adobe colour
# transform) change how pixels decode, so they stay.
_JPEG_METADATA_MARKERS = frozenset({0xE1, 0xEC, 0xED, 0xFE} | set(range(0xE3, 0xEC)) | {0xEF})


class ImageFormatError(ValueError):
    """The bytes are not a well-formed image of the type their name claims."""


def strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ImageFormatError("not a PNG file")
    out = bytearray(_PNG_SIGNATURE)
    position = len(_PNG_SIGNATURE)
    while position < len(data):
        if position + 8 > len(data):
            raise ImageFormatError("PNG chunk header is cut short")
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise ImageFormatError("PNG chunk is cut short")
        if kind not in _PNG_METADATA_CHUNKS:
            out += data[position:end]
        position = end
        if kind == b"IEND":
            break
    return bytes(out)


def strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise ImageFormatError("not a JPEG file")
    out = bytearray(b"\xff\xd8")
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            raise ImageFormatError("JPEG segment marker expected")
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the end
            out += data[position:]
            return bytes(out)
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            out += data[position : position + 2]
            position += 2
            continue
        if position + 4 > len(data):
            raise ImageFormatError("JPEG segment is cut short")
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        end = position + 2 + length
        if marker not in _JPEG_METADATA_MARKERS:
            out += data[position:end]
        position = end
    return bytes(out)


STRIPPERS = {".png": strip_png, ".jpg": strip_jpeg, ".jpeg": strip_jpeg}
# Formats whose metadata this module cannot remove; the public site refuses them.
UNSTRIPPABLE_IMAGES = frozenset({".gif", ".webp", ".tif", ".tiff", ".heic", ".avif", ".bmp"})
