"""PDFium's C functions (``pdfium_c``), with the library initialised, without pypdfium2's Python helpers.

The PDF parser calls PDFium only through the ctypes bindings that pypdfium2 ships as the package
``pypdfium2_raw``. ``import pypdfium2`` initialises the library too, and so does ``import pypdfium2.raw``
(which runs the ``pypdfium2`` package first), but both also import pypdfium2's whole helper layer
(documents, pages, bitmaps, version files, logging, argparse), which marklint never calls: 25 to 40
million instructions, 5 to 7% of starting a scan, paid before the first file is read. So the library is
initialised here the way pypdfium2 initialises it: ``FPDF_InitLibraryWithConfig`` with a version 2
configuration, and ``FPDF_DestroyLibrary`` at exit.

Where pypdfium2 is imported in the same process too (a program that embeds marklint, the tests), the
library is still initialised once: when pypdfium2 came first it is left to pypdfium2, and when pypdfium2
comes after, PDFium ignores its second initialisation, as it ignores the second destruction at exit
(pypdfium2's, registered later, runs first and closes its own objects before it).
"""

from __future__ import annotations

import atexit
import sys

import pypdfium2_raw as pdfium_c

__all__ = ["pdfium_c"]


def _initialise() -> None:
    if "pypdfium2._library_scope" in sys.modules:
        return  # pypdfium2 initialised the library as it was imported, and destroys it at exit
    config = pdfium_c.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=None, m_pIsolate=None, m_v8EmbedderSlot=0)
    pdfium_c.FPDF_InitLibraryWithConfig(config)
    atexit.register(pdfium_c.FPDF_DestroyLibrary)


_initialise()
