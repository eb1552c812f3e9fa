"""What happens to an evidence artifact inside the sandbox: a PDF is opened, checked and stamped; an image is
decoded once to prove it is one. Runs in a child process (see `sandbox`); never imported for its side effects.

Stamping adds a band below each page (below as the page is shown, whatever its rotation) holding
"<evidence ID> | page i of n", so the stamp never covers evidence. Only what a page needs to look the same is
kept: document-level actions, scripts, forms, outlines and links are dropped, because a binder page must not
be able to run anything or point anywhere.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import FileNotDecryptedError, PdfReadError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    PdfObject,
    RectangleObject,
)

from trustbinder.pdf.sandbox import Failure

PDF_SUFFIXES = (".pdf",)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")

BAND = 16.0  # points added below each evidence page for the stamp
FONT_SIZE = 7.5
FONT_NAME = "/TBStamp"
PAGE_KEYS = ("/Type", "/Parent", "/Contents", "/Resources", "/MediaBox", "/CropBox", "/Rotate", "/Annots", "/Group")
# Annotations that only draw something (comments, highlights, stamps, filled-in form fields). Links, media,
# embedded files and pop-ups are dropped.
KEPT_ANNOTATIONS = (
    "/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight", "/Underline",
    "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink", "/Widget", "/Watermark",
)  # fmt: skip
ANNOTATION_DROPPED_KEYS = ("/P", "/Popup", "/IRT", "/A", "/AA", "/Parent", "/Dest", "/Kids")


def kind_of(artifact: str) -> str:
    suffix = Path(artifact).suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return "file"


@dataclass(frozen=True)
class EvidenceJob:
    evidence_id: str
    kind: str  # "pdf" or "image"
    source: str
    output: str  # where a stamped PDF is written
    max_pages: int = 2000
    max_pixels: int = 50_000_000


@dataclass(frozen=True)
class Prepared:
    pages: int
    width: int = 0
    height: int = 0


def prepare(job: EvidenceJob) -> Prepared | Failure:
    """The sandbox task: check and stamp one artifact, or say why it cannot be embedded."""
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # repairs are not news; failures are returned
    warnings.simplefilter("ignore")
    if job.kind == "image":
        return _check_image(job)
    try:
        return _stamp_pdf(job)
    except FileNotDecryptedError:
        return Failure("the PDF is encrypted and needs a password")
    except PdfReadError as error:
        message = " ".join(str(error).split())
        if "cycl" in message.lower():
            return Failure(f"its page tree refers to itself ({message})")
        return Failure(f"the PDF is damaged ({message})")


def _stamp_pdf(job: EvidenceJob) -> Prepared | Failure:
    reader = PdfReader(job.source, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return Failure("the PDF is encrypted and needs a password")
    count = len(reader.pages)
    if count == 0:
        return Failure("the PDF has no pages")
    if count > job.max_pages:
        return Failure(f"it has {count} pages, more than the limit of {job.max_pages}")
    writer = PdfWriter()
    for number, page in enumerate(reader.pages, 1):
        content = page.get_contents()
        data = content.get_data() if content is not None else b""  # decoding proves the page is readable
        for key in list(page.keys()):
            # The contents are replaced by a new stream: pages may share one, so it is never edited in place.
            if key not in PAGE_KEYS or key == "/Contents":
                del page[key]
        _keep_drawing_annotations(page)
        added = writer.add_page(page)
        _stamp(added, data, f"{job.evidence_id} | page {number} of {count}")
    writer.write(job.output)
    return Prepared(count)


def _keep_drawing_annotations(page: DictionaryObject) -> None:
    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = ArrayObject()
    for reference in annotations.get_object():
        annotation = reference.get_object()
        if isinstance(annotation, DictionaryObject) and annotation.get("/Subtype") in KEPT_ANNOTATIONS:
            for key in ANNOTATION_DROPPED_KEYS:
                annotation.pop(key, None)
            kept.append(annotation)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]


def _stamp(page: PageObject, original: bytes, text: str) -> None:
    media = page.mediabox
    crop = page.cropbox
    x0, y0 = max(media.left, crop.left), max(media.bottom, crop.bottom)
    x1, y1 = min(media.right, crop.right), min(media.top, crop.top)
    rotation = page.rotation % 360
    inset = 4.5  # baseline above the band's outer edge
    margin = 18.0  # start of the text from the band's left end
    # Per display rotation: the grown box, then the text matrix (direction and "up" in page space) and origin.
    if rotation == 90:
        box = (x0, y0, x1 + BAND, y1)
        matrix = (0, 1, -1, 0, x1 + BAND - inset, y0 + margin)
    elif rotation == 180:
        box = (x0, y0, x1, y1 + BAND)
        matrix = (-1, 0, 0, -1, x1 - margin, y1 + BAND - inset)
    elif rotation == 270:
        box = (x0 - BAND, y0, x1, y1)
        matrix = (0, -1, 1, 0, x0 - BAND + inset, y1 - margin)
    else:
        box = (x0, y0 - BAND, x1, y1)
        matrix = (1, 0, 0, 1, x0 + margin, y0 - BAND + inset)
    rectangle = RectangleObject([FloatObject(v) for v in box])
    page[NameObject("/MediaBox")] = rectangle
    page[NameObject("/CropBox")] = RectangleObject(list(rectangle))
    font = _font_name(page)
    clip = f"{_num(x0)} {_num(y0)} {_num(x1 - x0)} {_num(y1 - y0)} re W n\n".encode()
    label = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")
    stamp = (
        b"q 0.35 g BT "
        + f"{font} {FONT_SIZE} Tf {' '.join(_num(v) for v in matrix)} Tm (".encode()
        + label
        + b") Tj ET Q\n"
    )
    # The original drawing is clipped to what it showed before, so the band holds only the stamp.
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + clip + original + b"\nQ\n" + stamp)
    page.replace_contents(stream.flate_encode())


def _dictionary(parent: DictionaryObject, key: str) -> DictionaryObject:
    """parent[key] resolved, created empty when missing (or not a dictionary, as in a damaged file)."""
    value = parent.get(key)
    resolved = value.get_object() if value is not None else None
    if isinstance(resolved, DictionaryObject):
        return resolved
    fresh = DictionaryObject()
    parent[NameObject(key)] = fresh
    return fresh


def _font_name(page: DictionaryObject) -> str:
    fonts = _dictionary(_dictionary(page, "/Resources"), "/Font")
    name = FONT_NAME
    while name in fonts and not _is_stamp_font(fonts[name]):
        name += "x"
    fonts[NameObject(name)] = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    return name


def _is_stamp_font(font: PdfObject) -> bool:
    value = font.get_object()
    return isinstance(value, DictionaryObject) and value.get("/BaseFont") == "/Helvetica"


def _num(value: float) -> str:
    return f"{float(value):.3f}".rstrip("0").rstrip(".")


def _check_image(job: EvidenceJob) -> Prepared | Failure:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = job.max_pixels
    try:
        with Image.open(job.source) as image:
            if image.format not in IMAGE_FORMATS:
                return Failure(f"it is a {image.format} image, which the binder does not place as a page")
            width, height = image.size
            if width * height > job.max_pixels:
                return Failure(f"it is {width} x {height} pixels, more than the limit of {job.max_pixels:,}")
            image.load()  # a full decode: truncated or corrupt data fails here, not in the renderer
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        message = " ".join(str(error).split())
        return Failure(f"the image cannot be decoded ({message})")
    return Prepared(1, width, height)
