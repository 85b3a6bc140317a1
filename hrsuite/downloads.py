"""A stored file handed out, by the API or a page."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """`content` as a download: of the type found in its content, saved under a name of our own
    (never the sender's), never sniffed by the browser into something else (HTML, a script), and
    kept by no cache, the browser's included."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
