"""The OCR engine: PP-OCR's text recogniser, from the model file RapidOCR's wheel ships, run by onnxruntime.

Imported only when a scan is met (``parsers.scan``): ``import marklint.cli`` never loads rapidocr,
onnxruntime, OpenCV or Pillow. The model is loaded once per process, on the first scanned page that
process reads, with one inference thread (the scan's parallelism is its worker processes).

Nothing is downloaded: the model is the file inside the installed ``rapidocr`` package, opened by
onnxruntime directly, so no downloader is ever on the path; an install that lacks it fails with a
message that says so (marklint reads no network at run time). The recogniser's input is prepared and its
output decoded here exactly as rapidocr's ``TextRecognizer`` does it (same batches, sizes and padding, so
the same readings and confidences): importing rapidocr's recogniser would parse its whole model catalogue
(``default_models.yaml``) on import, which was most of a second of each worker's model load.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

#: The model files used, from rapidocr's wheel (its default_models.yaml names them): the text recogniser, and
#: the classifier of a line as upright or upside down (it tells a page turned 90 degrees from one turned 270).
MODEL_FILES = {
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
INSTALL_HINT = "pip install 'marklint[ocr]'"
#: The recogniser's input as rapidocr runs it (its config.yaml, ``Rec``): lines scaled to 48 px high and
#: padded to the widest line of their batch, at least 320 px; batches of 6 lines of similar width.
REC_HEIGHT, REC_MIN_WIDTH, REC_BATCH = 48, 320, 6
#: The classifier's input as rapidocr runs it (``Cls``): 48 px high, padded (or squeezed) to 192 px, in
#: batches of 6; it is sure of a line's way up at 0.9 (rapidocr's threshold for turning a line).
CLS_HEIGHT, CLS_WIDTH, CLS_BATCH, CLS_SURE = 48, 192, 6, 0.9


class OcrUnavailable(Exception):
    """OCR cannot run here: the extra is not installed, or a model file is missing."""


@dataclass(frozen=True, slots=True)
class Recognised:
    """One recognised crop: its text, each character's confidence (0-1), and where the recogniser saw each
    character: the middle of its output column, as a share of the crop's width (0 left, 1 right)."""

    text: str
    confidences: tuple[float, ...]
    positions: tuple[float, ...] = ()

    @property
    def confidence(self) -> float:
        return sum(self.confidences) / len(self.confidences) if self.confidences else 0.0


def installed() -> bool:
    """True when the ``ocr`` extra is installed (checked without importing it)."""
    return all(find_spec(name) is not None for name in ("rapidocr", "onnxruntime", "cv2", "PIL", "numpy"))


def model_dir() -> Path:
    spec = find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise OcrUnavailable(f"rapidocr is not installed: {INSTALL_HINT}")
    return Path(spec.origin).parent / "models"


@dataclass(frozen=True, slots=True)
class Model:
    """The recogniser of this process: its onnxruntime session and its alphabet (index 0 is CTC's blank)."""

    session: Any
    characters: tuple[str, ...]


_recogniser: Model | None = None
_classifier: Any = None


def recogniser() -> Model:
    """The text recogniser of this process, loaded on first use."""
    global _recogniser
    if _recogniser is None:
        _recogniser = _load()
    return _recogniser


def classifier() -> Any:
    """The upright / upside-down classifier's session, loaded on first use (only a turned page needs it)."""
    global _classifier
    if _classifier is None:
        recogniser()  # checks the install and the model files first (OcrUnavailable, saying what is missing)
        _classifier = _session(_model_path("Cls"))
    return _classifier


def _load() -> Model:
    if not installed():
        raise OcrUnavailable(f"the OCR extra is not installed: {INSTALL_HINT}")
    root = model_dir()
    missing = [name for name in MODEL_FILES.values() if not (root / name).is_file()]
    if missing:
        raise OcrUnavailable(f"OCR model {', '.join(missing)} is missing from {root}; marklint never downloads "
                             f"models: reinstall with {INSTALL_HINT}")
    session = _session(_model_path("Rec"))
    # The alphabet is stored in the model (as rapidocr reads it), with CTC's blank first and a space last.
    alphabet = session.get_modelmeta().custom_metadata_map["character"].splitlines()
    return Model(session, ("blank", *alphabet, " "))


def _model_path(task: str) -> Path:
    return model_dir() / MODEL_FILES[task]


def _session(path: Path) -> Any:
    """An onnxruntime session as rapidocr opens one, with one thread (parallelism is the worker processes)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = True  # reused buffers: about 8% less CPU per scan
    return onnxruntime.InferenceSession(os.fspath(path), sess_options=options, providers=[
        ("CPUExecutionProvider", {"arena_extend_strategy": "kSameAsRequested"})])


def recognise(crops: list[np.ndarray]) -> list[Recognised]:
    """Text and per-character confidences of each crop (RGB, uint8, one text line each). As rapidocr's
    recogniser: crops sorted by width, in batches of REC_BATCH, each padded to its batch's widest."""
    if not crops:
        return []
    import numpy as np

    model = recogniser()
    ratios = [crop.shape[1] / float(crop.shape[0]) for crop in crops]
    order = np.argsort(np.array(ratios))
    results: list[Recognised | None] = [None] * len(crops)
    for first in range(0, len(crops), REC_BATCH):
        batch = order[first:first + REC_BATCH]
        widest = max(REC_MIN_WIDTH / REC_HEIGHT, *(ratios[i] for i in batch))
        inputs = np.concatenate([_normalised(crops[i], widest)[np.newaxis, :] for i in batch]).astype(np.float32)
        scores = model.session.run(None, {model.session.get_inputs()[0].name: inputs})[0]
        column = REC_HEIGHT * widest / scores.shape[1]  # input pixels per output column
        for index, (best, probability) in zip(batch, zip(scores.argmax(axis=2), scores.max(axis=2), strict=True),
                                              strict=True):
            height, width = crops[index].shape[:2]
            scaled_width = min(int(REC_HEIGHT * widest), math.ceil(REC_HEIGHT * width / float(height)))
            results[index] = _decoded(best, probability, model.characters, column / scaled_width)
    return [result for result in results if result is not None]


def _normalised(crop: np.ndarray, widest: float) -> np.ndarray:
    """A crop scaled to REC_HEIGHT, its values to -1..1, padded with zeros to the batch's width (CHW)."""
    import cv2
    import numpy as np

    width = int(REC_HEIGHT * widest)
    height, crop_width = crop.shape[:2]
    scaled_width = min(width, math.ceil(REC_HEIGHT * crop_width / float(height)))
    scaled = cv2.resize(crop, (scaled_width, REC_HEIGHT)).astype("float32").transpose((2, 0, 1)) / 255
    scaled -= 0.5
    scaled /= 0.5
    padded = np.zeros((3, REC_HEIGHT, width), dtype=np.float32)
    padded[:, :, :scaled_width] = scaled
    return padded


def _decoded(best: np.ndarray, probability: np.ndarray, characters: tuple[str, ...], share: float) -> Recognised:
    """CTC's greedy decoding: repeats merged, blanks dropped; each character's probability (5 places) and
    the middle of its first column (``share``: one column's share of the crop's width)."""
    import numpy as np

    keep = np.ones(len(best), dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    keep &= best != 0
    text = "".join(characters[i] for i in best[keep])
    return Recognised(text, tuple(round(c, 5) for c in probability[keep].tolist()),
                      tuple((float(column) + 0.5) * share for column in np.flatnonzero(keep)))


def upside_down(crops: list[np.ndarray]) -> list[float]:
    """Each crop's probability (0-1) of being a text line upside down, by PP-OCR's line classifier (RGB,
    uint8, one line each; its input prepared as rapidocr prepares it)."""
    if not crops:
        return []
    import cv2
    import numpy as np

    batch = np.zeros((len(crops), 3, CLS_HEIGHT, CLS_WIDTH), dtype=np.float32)
    for index, crop in enumerate(crops):
        height, width = crop.shape[:2]
        scaled_width = min(CLS_WIDTH, math.ceil(CLS_HEIGHT * width / float(height)))
        scaled = cv2.resize(crop, (scaled_width, CLS_HEIGHT)).astype("float32").transpose((2, 0, 1)) / 255
        batch[index, :, :, :scaled_width] = (scaled - 0.5) / 0.5
    session = classifier()
    probabilities = session.run(None, {session.get_inputs()[0].name: batch})[0]
    return [float(p) for p in probabilities[:, 1]]  # labels "0" and "180"
