"""Turn WeasyPrint's output into the binder: evidence pages in place of their placeholders, attachments,
metadata, a reproducible file identifier, and the encrypted copy.

Evidence pages arrive already checked and stamped by the sandbox (see `evidence`); here they are only copied
object by object, never decoded, so nothing in them is parsed by this process beyond pypdf's object reader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

# Keys of an evidence page that make it look as it does; copied onto the placeholder page object, whose
# identity is kept so the binder's links, bookmarks and named destinations that point at it stay valid.
TRANSPLANTED_KEYS = ("/Contents", "/Resources", "/MediaBox", "/CropBox", "/Rotate", "/Annots", "/Group")
PLACEHOLDER_ID = b"\x00" * 16


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    sha256: str
    description: str


def pdf_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")


def place_evidence(writer: PdfWriter, first_slot: int, stamped: Path) -> int:
    """Copy every page of `stamped` onto the placeholder pages starting at index `first_slot`."""
    reader = PdfReader(stamped)
    for offset, source in enumerate(reader.pages):
        target = writer.pages[first_slot + offset]
        for key in TRANSPLANTED_KEYS:
            value = source.raw_get(key) if key in source else None
            if value is None:
                target.pop(key, None)
            else:
                target[NameObject(key)] = value.clone(writer)
    return len(reader.pages)


def _subtype(name: str) -> NameObject:
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return NameObject("/" + mime.replace("/", "#2F"))


def attach_files(writer: PdfWriter, attachments: list[Attachment], when: dt.datetime) -> None:
    """Embed files with their size, MD5 (the PDF checksum field) and SHA-256 (in the description)."""
    if not attachments:
        return
    date = TextStringObject(pdf_date(when))
    entries: list[tuple[str, PdfObject]] = []
    for attachment in attachments:
        stream = DecodedStreamObject()
        stream.set_data(attachment.data)
        encoded = stream.flate_encode()
        encoded[NameObject("/Type")] = NameObject("/EmbeddedFile")
        encoded[NameObject("/Subtype")] = _subtype(attachment.name)
        encoded[NameObject("/Params")] = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(len(attachment.data)),
                NameObject("/CheckSum"): ByteStringObject(hashlib.md5(attachment.data).digest()),
                NameObject("/ModDate"): date,
            }
        )
        file_ref = writer._add_object(encoded)  # pypdf has no public call for a new indirect object
        spec = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): TextStringObject(attachment.name),
                NameObject("/UF"): TextStringObject(attachment.name),
                NameObject("/Desc"): TextStringObject(attachment.description),
                NameObject("/AFRelationship"): NameObject("/Supplement"),
                NameObject("/EF"): DictionaryObject({NameObject("/F"): file_ref, NameObject("/UF"): file_ref}),
            }
        )
        entries.append((attachment.name, writer._add_object(spec)))
    names = ArrayObject()
    for name, spec_ref in sorted(entries, key=lambda entry: entry[0].encode("utf-16-be")):
        names.extend([TextStringObject(name), spec_ref])
    root = writer.root_object
    tree = root.get("/Names")
    tree = tree.get_object() if tree is not None else None
    if not isinstance(tree, DictionaryObject):
        tree = DictionaryObject()
        root[NameObject("/Names")] = writer._add_object(tree)
    tree[NameObject("/EmbeddedFiles")] = writer._add_object(DictionaryObject({NameObject("/Names"): names}))


def set_metadata(writer: PdfWriter, info: dict[str, str], when: dt.datetime) -> None:
    date = pdf_date(when)
    writer.add_metadata({**info, "/CreationDate": date, "/ModDate": date})
    writer.page_mode = "/UseOutlines"


def write_reproducibly(writer: PdfWriter) -> bytes:
    """The PDF bytes with an /ID derived from the content, so the same input gives the same file."""
    writer._ID = ArrayObject([ByteStringObject(PLACEHOLDER_ID), ByteStringObject(PLACEHOLDER_ID)])
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).digest()[:16]
    trailer = data.rfind(b"trailer")
    placeholder = b"<" + PLACEHOLDER_ID.hex().encode() + b">"
    tail = data[trailer:]
    if trailer < 0 or tail.count(placeholder) != 2:
        raise RuntimeError("pypdf wrote the file identifier in an unexpected form")
    fixed = tail.replace(placeholder, b"<" + digest.hex().encode() + b">")
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    return data[:trailer] + fixed


def encrypted_copy(plain: bytes, password: str) -> bytes:
    """AES-256 (security handler revision 6) copy of `plain`; the password is only passed to pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password=password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
