"""Building import files for tests."""

import csv
import io

HR_HEADER = [
    "Matricule", "Nom", "Nom d'usage", "Prénom", "Catégorie", "Filière", "Statut", "Grade", "Direction",
    "Service", "Site", "Date d'entrée", "Date de sortie", "Téléphone professionnel", "Courriel professionnel",
]  # fmt: skip


def hr_row(matricule, last="Durand", first="Sandrine", *, cat="C", filiere="Technique", statut="Titulaire",
           grade="Adjoint technique", direction="DPE", service="Atelier Nord", site="Dépôt Nord",
           entry="01/09/2015", exit="", phone="", email="", usage=""):  # fmt: skip
    return [matricule, last, usage, first, cat, filiere, statut, grade, direction, service, site, entry, exit,
            phone, email]  # fmt: skip


def csv_bytes(rows, header=HR_HEADER, *, sep=";", encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


class RecordingUploadHandler:
    """Placed after relais.core.uploads' handler in a test: counts the bytes that would reach the disk."""

    received = 0

    def __new__(cls, request=None):
        from django.core.files.uploadhandler import MemoryFileUploadHandler

        class Recording(MemoryFileUploadHandler):
            def receive_data_chunk(self, raw_data, start):
                RecordingUploadHandler.received += len(raw_data)
                return super().receive_data_chunk(raw_data, start)

        handler = Recording(request)
        handler.activated = True  # keep every file in memory, whatever its size
        return handler
