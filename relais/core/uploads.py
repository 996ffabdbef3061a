"""Uploads stopped while they arrive: a file above the largest accepted size never reaches the disk.

Django writes an upload to a temporary file before any form sees it; a form's size check alone lets a
10 GB post fill the disk first. This handler counts the bytes as they come and stops the upload past
`RELAIS_IMPORT_MAX_UPLOAD_BYTES` (the largest upload any page accepts); the request then carries
`upload_refused` (the size announced or reached) for the page to say so.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# Past this multiple of the limit, the rest of the body is not even read (the connection is reset).
DRAIN_FACTOR = 4


class BoundedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.RELAIS_IMPORT_MAX_UPLOAD_BYTES
        self.received = 0
        self.announced = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.announced = content_length or 0
        if self.announced > self.limit:
            self._refuse(self.announced)  # marked now, stopped at the first file chunk

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.announced > self.limit or self.received > self.limit:
            self._refuse(max(self.announced, self.received))
            raise StopUpload(connection_reset=self.announced > DRAIN_FACTOR * self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers (memory, temporary file) keep the data

    def _refuse(self, size: int) -> None:
        if self.request is not None:
            self.request.upload_refused = size
