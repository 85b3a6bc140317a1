"""What a résumé file is and what it says: its type, found in its content; the guards a hostile
file meets before a parser reads it; and its text, read with pypdf (PDF) and python-docx (DOCX).

Nothing here touches the database. `candidates.services.resume_files` checks an upload with
`file_type` in the request, and reads a stored file's text with `text_of` in a worker
(docs/architecture.md, "Résumé files").
"""

import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import docx
import pypdf
from django.conf import settings
from docx.table import Table

from candidates.models import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, ResumeFile


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType(PDF_CONTENT_TYPE, ".pdf", "PDF")
DOCX = FileType(DOCX_CONTENT_TYPE, ".docx", "DOCX")
TYPES = (PDF, DOCX)

PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"
# A Word document's package names these two parts; a ZIP without them is some other file.
DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
# The ZIP's end-of-directory record: 22 bytes, and a comment of up to 65,535 after it.
_END_OF_DIRECTORY = b"PK\x05\x06"
_END_RECORD = struct.Struct("<4sHHHHIIH")
_ZIP64_ENTRIES = 0xFFFF
# What a directory entry may take on average (46 bytes and a part's name): a directory larger than
# this for its entries is read by nobody.
_DIRECTORY_BYTES_PER_ENTRY = 1024


class ArchiveTooLarge(Exception):
    """A ZIP whose directory says it unpacks to more than is allowed, or has too many entries."""


def file_type(content: bytes) -> FileType | None:
    """The type `content` is: a PDF starts with `%PDF-`; a DOCX is a ZIP holding a Word
    document's parts. None for anything else. A ZIP past the caps raises `ArchiveTooLarge`: its
    sizes are read from its directory, before any part is unpacked."""
    if content.startswith(PDF_SIGNATURE):
        return PDF
    if content.startswith(ZIP_SIGNATURE) and _holds_word_document(content):
        return DOCX
    return None


def named_types(filename: str, declared: str) -> set[FileType]:
    """The types the sender's file name and declared type claim: they decide nothing, but a
    file whose content is not what its name says is refused rather than stored as something else."""
    extension = PurePosixPath((filename or "").replace("\\", "/").lower()).suffix
    declared = (declared or "").split(";")[0].strip().lower()
    return {kind for kind in TYPES if extension == kind.extension or declared == kind.content_type}


def _holds_word_document(content: bytes) -> bool:
    entries, directory_bytes = _directory_size(content)
    most = settings.HRSUITE_RESUME_DOCX_ENTRIES_MAX
    if entries is None:
        return False
    if entries > most or entries == _ZIP64_ENTRIES or directory_bytes > most * _DIRECTORY_BYTES_PER_ENTRY:
        raise ArchiveTooLarge
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return False
    # zipfile never unpacks more of a part than its directory entry declares (a part that would
    # is a damaged one), so the declared sizes bound what parsing it can unpack.
    if (
        len(parts) > most
        or sum(part.file_size for part in parts) > settings.HRSUITE_RESUME_DOCX_UNPACKED_MAX_BYTES
    ):
        raise ArchiveTooLarge
    names = {part.filename for part in parts}
    return all(name in names for name in DOCX_PARTS)


def _directory_size(content: bytes) -> tuple[int | None, int]:
    """(entries, bytes) of a ZIP's central directory, from its end-of-directory record; (None, 0)
    when it has none."""
    at = content.rfind(_END_OF_DIRECTORY, max(0, len(content) - _END_RECORD.size - 0xFFFF))
    if at < 0 or at + _END_RECORD.size > len(content):
        return None, 0
    _signature, _disk, _first_disk, _here, entries, size, _offset, _comment = _END_RECORD.unpack_from(
        content, at
    )
    return entries, size


# --- Reading the text --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What came of reading a file: its text, or why there is none (a `ResumeFile.Problem`)."""

    text: str
    problem: str = ""
    pages: int = 0


Problem = ResumeFile.Problem

# pypdf's own limits, tightened for files of a few megabytes: a page tree of ten thousand entries
# is no résumé, and no stream of one needs to unpack to more than 20 MB. No outside program is run
# on what a stranger sent (pypdf would call jbig2dec for one kind of image).
_PDF_LIMITS = {
    "page_tree_maximum_entries": 10_000,
    "page_tree_maximum_page_entries": 200_000,
    "zlib_maximum_output_length": 20_000_000,
    "lzw_maximum_output_length": 20_000_000,
    "run_length_maximum_output_length": 20_000_000,
    "array_based_stream_maximum_output_length": 20_000_000,
    "stream_decoding_work_maximum_length": 100_000_000,
    "jbig2dec_binary": None,
}


def text_of(content: bytes, content_type: str) -> Reading:
    """The text of a stored file, cut to HRSUITE_RESUME_TEXT_MAX_CHARS, from at most
    HRSUITE_RESUME_PAGES_READ pages of a PDF. Never raises for what the file holds: a file the
    libraries cannot read is `damaged`, one with nothing but images `no_text_layer`, one locked
    by a password `encrypted`."""
    try:
        reading = Reading(_docx_text(content)) if content_type == DOCX.content_type else _pdf_reading(content)
    # What a hostile or broken file makes a parser raise is open-ended (its own errors, but also
    # KeyError, ValueError, RecursionError, ...): whatever it is, the file has no text to give.
    except Exception:
        return Reading("", Problem.DAMAGED)
    text = _tidied(reading.text)
    if not text:
        return Reading("", reading.problem or Problem.NO_TEXT_LAYER, reading.pages)
    return Reading(text, "", reading.pages)


def _pdf_reading(content: bytes) -> Reading:
    with pypdf.apply_configuration(**_PDF_LIMITS):
        reader = pypdf.PdfReader(io.BytesIO(content), strict=False)
        # A file protected only against changes opens without a password, as it does in any
        # viewer; one that asks for a password to open is kept, unread.
        if reader.is_encrypted and not reader.decrypt(""):
            return Reading("", Problem.ENCRYPTED)
        pages = reader.pages
        count = min(len(pages), settings.HRSUITE_RESUME_PAGES_READ)
        texts = [pages[index].extract_text() or "" for index in range(count)]
    return Reading("\n\n".join(texts), pages=count)


def _docx_text(content: bytes) -> str:
    if file_type(content) != DOCX:  # checked at upload; again, before python-docx unpacks it
        raise ValueError("not a Word document")
    blocks = []
    for block in docx.Document(io.BytesIO(content)).iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    # A merged cell is given once for each column it spans: shown once.
                    text = cell.text.strip()
                    if not cells or text != cells[-1]:
                        cells.append(text)
                blocks.append(" | ".join(cells))
        else:
            blocks.append(block.text)
    return "\n".join(blocks)


_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")


def _tidied(text: str) -> str:
    """Control characters out (NUL included, which PostgreSQL refuses), runs of spaces and of blank
    lines shortened, cut to the length kept."""
    most = settings.HRSUITE_RESUME_TEXT_MAX_CHARS
    kept = "".join(map(_kept, text[: 2 * most]))
    lines = (_SPACES.sub(" ", line).strip() for line in kept.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()[:most]


def _kept(character: str) -> str:
    if character in "\n\t":
        return character
    kind = unicodedata.category(character)
    if kind == "Cc":  # a control character
        return " "
    if kind == "Cf":  # an invisible format mark (a soft hyphen, a zero-width space)
        return ""
    if kind == "Cs":  # half of a character a broken file encoded badly
        return "\ufffd"
    return character
