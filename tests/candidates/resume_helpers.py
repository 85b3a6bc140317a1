"""Résumé files for the tests, made in the test with the libraries or by hand: text PDFs and DOCX
files (demo.resume_files), a scan-like PDF (a page with no text), PDFs locked by a password, a
hostile page tree, and DOCX ZIP bombs."""

import io
import zipfile

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.resume_files import docx_with_text, pdf_with_pages, pdf_with_text

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

__all__ = ["docx_with_text", "pdf_with_pages", "pdf_with_text"]


def uploaded(name: str, content: bytes, content_type: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def scan_pdf() -> bytes:
    """What a scanner makes, as far as text goes: a page with nothing to read on it."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return _written(writer)


def locked_pdf(*, user_password: str) -> bytes:
    """A text PDF encrypted with `user_password` (empty: it opens without one, as one protected
    only against changes does)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_with_text(["Locked away"]))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    return _written(writer)


def _written(writer: pypdf.PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_tree_bomb(depth: int = 40) -> bytes:
    """A PDF of a few hundred bytes whose page tree names one page 2**depth times: each node's
    two kids are the same node below it."""
    objects = [
        b"<< /Type /Catalog /Pages %d 0 R >>" % (depth + 2),
        b"<< /Type /Page /MediaBox [0 0 612 792] >>",
    ]
    for level in range(depth):
        objects.append(
            b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>" % (2 + level, 2 + level, 2 ** (level + 1))
        )
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    directory = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, directory)
    return bytes(out)


def docx_with_extra(parts: dict[str, bytes]) -> bytes:
    """A real DOCX with `parts` added to its archive."""
    original = zipfile.ZipFile(io.BytesIO(docx_with_text(["Li Na", "Backend engineer"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in original.infolist():
            archive.writestr(part, original.read(part))
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_zip_bomb() -> bytes:
    """A DOCX of some 100 KB whose one picture unpacks to 100 MB."""
    return docx_with_extra({"word/media/image1.bin": b"\0" * (100 * 1024 * 1024)})


def docx_of_many_parts(count: int) -> bytes:
    return docx_with_extra({f"customXml/extra{n}.xml": b"<a/>" for n in range(count)})
