"""Small résumé files made in code: a PDF with a text layer, written by hand (a page of Helvetica
per list of lines), and a DOCX written with python-docx. The demo gives its candidates these, and
the tests build theirs with them, so no binary file is kept in the repository."""

import io

import docx


def _pdf_text(line: str) -> bytes:
    """A line as a PDF string: Latin-1 (Helvetica's own letters), with ( ) and \\ escaped."""
    raw = line.encode("latin-1", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_with_pages(pages: list[list[str]]) -> bytes:
    """A PDF of one page per list of lines, each line as text, 14 points apart from the top."""
    page_count = len(pages)
    font = 3 + 2 * page_count  # catalog 1, page tree 2, then a page and its content for each page
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(page_count)), page_count),
    ]
    for index, lines in enumerate(pages):
        operators = [b"BT", b"/F1 11 Tf", b"14 TL", b"72 760 Td"]
        operators += [_pdf_text(line) + b" Tj T*" for line in lines]
        stream = b"\n".join([*operators, b"ET"])
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >>"
            b" /Contents %d 0 R >>" % (font, 4 + 2 * index)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    directory = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, directory)
    return bytes(out)


def pdf_with_text(lines: list[str]) -> bytes:
    """A one-page PDF holding `lines`."""
    return pdf_with_pages([lines])


def docx_with_text(paragraphs: list[str], *, table: list[list[str]] | None = None) -> bytes:
    """A Word document of `paragraphs`, then `table` (rows of cells) if given."""
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
