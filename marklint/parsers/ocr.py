"""The OCR engine: RapidOCR's PP-OCR text recogniser, from the model files its wheel ships.

Imported only when a scan is met (``parsers.scan``): ``import marklint.cli`` never loads rapidocr,
onnxruntime, OpenCV or Pillow. The model is loaded once per process, on the first scanned page that
process reads, with one inference thread (the scan's parallelism is its worker processes).

Nothing is downloaded: every model path is set to the file inside the installed ``rapidocr`` package,
and rapidocr's downloader is refused while the model loads, so an install that lacks a model fails with
a message that says so rather than fetching one (marklint reads no network at run time).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    import numpy as np

#: The model files rapidocr's wheel ships, by task (rapidocr/default_models.yaml names them).
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
INSTALL_HINT = "pip install 'marklint[ocr]'"


class OcrUnavailable(Exception):
    """OCR cannot run here: the extra is not installed, or a model file is missing."""


@dataclass(frozen=True, slots=True)
class Recognised:
    """One recognised crop: its text and each character's confidence (0-1)."""

    text: str
    confidences: tuple[float, ...]

    @property
    def confidence(self) -> float:
        return sum(self.confidences) / len(self.confidences) if self.confidences else 0.0


def installed() -> bool:
    """True when the ``ocr`` extra is installed (checked without importing it)."""
    return all(find_spec(name) is not None for name in ("rapidocr", "onnxruntime", "PIL", "numpy"))


def model_dir() -> Path:
    spec = find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise OcrUnavailable(f"rapidocr is not installed: {INSTALL_HINT}")
    return Path(spec.origin).parent / "models"


_recogniser: Any = None


def recogniser() -> Any:
    """The text recogniser of this process, loaded on first use."""
    global _recogniser
    if _recogniser is None:
        _recogniser = _load()
    return _recogniser


def _load() -> Any:
    if not installed():
        raise OcrUnavailable(f"the OCR extra is not installed: {INSTALL_HINT}")
    root = model_dir()
    missing = [name for name in MODEL_FILES.values() if not (root / name).is_file()]
    if missing:
        raise OcrUnavailable(f"OCR model {', '.join(missing)} is missing from {root}; marklint never downloads "
                             f"models: reinstall with {INSTALL_HINT}")
    params = {f"{task}.model_path": str(root / name) for task, name in MODEL_FILES.items()}
    params.update({
        "Global.log_level": "critical",
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,  # reused buffers: about 8% less CPU per scan
    })
    with _no_download():
        from rapidocr import RapidOCR

        engine = RapidOCR(params=params)
        return engine._load_rec_model()  # only the recogniser: marklint finds the lines itself (ocr_lines)


@contextmanager
def _no_download() -> Iterator[None]:
    """Refuse rapidocr's model downloader for the block: a run that would download fails instead."""
    from rapidocr.utils import download_file

    def refuse(params: Any) -> None:
        raise OcrUnavailable(f"rapidocr asked to download {getattr(params, 'file_url', 'a model')}; marklint "
                             f"reads no network: reinstall with {INSTALL_HINT}")

    original = download_file.DownloadFile.run
    download_file.DownloadFile.run = staticmethod(refuse)  # type: ignore[method-assign]
    try:
        yield
    finally:
        download_file.DownloadFile.run = original  # type: ignore[method-assign]


def recognise(crops: list[np.ndarray]) -> list[Recognised]:
    """Text and per-character confidences of each crop (RGB, uint8, one text line each)."""
    if not crops:
        return []
    from rapidocr.ch_ppocr_rec import TextRecInput

    output = recogniser()(TextRecInput(img=crops, return_word_box=True))
    results = []
    for text, words in zip(output.txts, output.word_results, strict=True):
        confs = list(getattr(words, "confs", None) or [])
        if len(confs) != len(text):  # rapidocr gives one per character; never index past them
            confs = [sum(confs) / len(confs) if confs else 0.0] * len(text)
        results.append(Recognised(text, tuple(float(c) for c in confs)))
    return results
