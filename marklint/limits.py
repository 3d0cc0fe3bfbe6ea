"""Every safety limit marklint applies to a file, in one place.

A limit that is reached makes the file not-examined (ML901) or partially examined (ML903); it never
crashes the scan. The values are defaults; the configuration may override them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The safety limits of a scan: the defaults below, or what the configuration's [limits] sets."""

    max_file_bytes: int = 512 * MiB  # a file larger than this is not opened
    max_zip_members: int = 5_000  # a DOCX with more parts is refused
    max_member_bytes: int = 256 * MiB  # uncompressed size of one ZIP member that is read
    max_total_bytes: int = 512 * MiB  # uncompressed size of all ZIP members that are read
    max_compression_ratio: int = 200  # uncompressed / compressed, for members over 1 MiB
    max_xml_depth: int = 256  # element nesting in any XML part
    max_xml_elements: int = 5_000_000  # elements in one XML part
    max_pdf_pages_read: int = 2  # page 1 (marking) and the last page (issue date)
    max_blank_lead_pages: int = 3  # pages with no body text before the first that has some, read past (PDF)
    max_pdf_stream_bytes: int = 64 * MiB  # inflated content, forms, fonts and CMaps of one PDF page read
    max_page_objects: int = 50_000  # objects drawn on one OFD page read, a composite unit each time it is drawn
    max_page_glyphs: int = 500_000  # characters placed on one OFD page read
    max_body_units_kept: int = 60  # first body units kept whole (page 1 and a cover)
    max_tail_units_kept: int = 40  # last body units kept (成文日期, 版记)
    max_middle_units_kept: int = 1_000  # short possible markings kept in between; more make the file partial
    max_unit_chars: int = 2_000  # a longer unit is cut: markings are short
    max_embedded_depth: int = 3  # documents embedded in embedded documents are read this deep
    max_embedded_documents: int = 32  # embedded documents read from one container
    max_embedded_bytes: int = 64 * MiB  # bytes of all the embedded documents read from one file
    per_file_seconds: float = 30.0  # wall-clock budget for one file
    max_request_bytes: int = 64 * MiB  # marklint serve: a larger request is refused (413) before it is read
    # Address space each process that examines files may take beyond what it starts with (RLIMIT_AS); 0:
    # none. Set, files are always judged in worker processes (one for -j 1): a host's limits never change.
    max_worker_memory: int = 1024 * MiB

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


DEFAULT_LIMITS = Limits()
