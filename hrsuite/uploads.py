"""File uploads: each file part is capped as it streams in, before it is held in memory or on disk.

Django keeps a file part whole (in memory, or in a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE)
before any view sees it, so a check of the size in the view comes after the server has taken it
all. `CappedUploadHandler`, first in FILE_UPLOAD_HANDLERS, drops a part as soon as it passes
HRSUITE_UPLOAD_MAX_BYTES; the rest of it is read off the connection and thrown away. The request
remembers which fields were dropped, and `refuse_oversize` turns that into the field's error.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext

from hrsuite.errors import ValidationFailed

_CUT = "hrsuite_upload_parts_cut"


class CappedUploadHandler(FileUploadHandler):
    """Passes each chunk on to the next handler while the part is within the cap; past it, the
    part is skipped (the handlers after this one close and drop what they held)."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.HRSUITE_UPLOAD_MAX_BYTES:
            cut = self.request.__dict__.setdefault(_CUT, [])
            if self.field_name not in cut:
                cut.append(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file


def refuse_oversize(request) -> None:
    """A 400 naming the first file field that was over the cap, code `upload_too_large`. Call it
    after the request's files were read (request.FILES, or DRF's request.data)."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    cut = request.__dict__.get(_CUT)
    if cut:
        message = gettext("At most %(size)s MB.") % {
            "size": settings.HRSUITE_UPLOAD_MAX_BYTES // (1024 * 1024)
        }
        raise ValidationFailed(
            gettext("Invalid upload: %(field)s.") % {"field": cut[0]},
            fields={cut[0]: [message]},
            code="upload_too_large",
        )
