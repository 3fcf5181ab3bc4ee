"""The web import's upload: refused above its size while it arrives, and checked by content.

Django limits the size of a request's form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not of
its files: an upload of any size is written to a temporary file before a form sees it.
:class:`SizeLimitedUploadHandler` stops reading a file part as soon as it passes the limit (and
refuses a request whose ``Content-Length`` already says so), so a large upload costs neither
disk nor memory; the view then shows the form error. OWASP ASVS 4.0.3 V12.1.1 (a file size
limit), V12.1.2 (compressed files checked against their uncompressed size: see
:func:`check_upload`) and V12.2.1 (the type told from the content, not the name).
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

#: Room for the form's other fields and the multipart framing around the file.
FRAMING_BYTES = 64 * 1024


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops the upload when a file part (or the whole request) is larger than ``max_bytes``.

    It sits first among the request's upload handlers and passes every chunk on unchanged;
    ``exceeded`` tells the view the upload was cut off.
    """

    def __init__(self, request=None, *, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.max_bytes + FRAMING_BYTES:
            self.exceeded = True
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.exceeded:
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, max_bytes: int) -> SizeLimitedUploadHandler:
    """Put a :class:`SizeLimitedUploadHandler` first on *request*; call before reading POST."""
    handler = SizeLimitedUploadHandler(request, max_bytes=max_bytes)
    request.upload_handlers.insert(0, handler)
    return handler


#: How much of a text upload is looked at to tell that it is text.
TEXT_PROBE_BYTES = 64 * 1024


def check_upload(upload, max_bytes: int) -> str | None:
    """What is wrong with an uploaded statistics file, told from its content, or ``None``.

    An XLSX file (a zip) goes through the zip guard of :mod:`losen.domain.safeinput` (sizes
    when unpacked, compression ratio: a decompression bomb is refused here, in well under a
    second, before openpyxl reads anything); anything else must be text in UTF-8 or
    ISO-8859-1, not UTF-16 and without NUL or control characters (random bytes, a binary
    file, a renamed program are refused). The file is left at its start.
    """
    from losen.domain import safeinput
    from losen.domain.errors import InputError
    from losen.domain.indicators._common import checked_text

    upload.seek(0)
    head = upload.read(TEXT_PROBE_BYTES)
    upload.seek(0)
    try:
        if safeinput.looks_like_xlsx(head):
            safeinput.check_xlsx(upload, name=upload.name, max_bytes=max_bytes)
        else:
            checked_text(head, source=upload.name, what="en CSV- eller JSON-fil")
    except InputError as error:
        return "; ".join(error.lines())
    finally:
        upload.seek(0)
    return None
