"""An int8 ONNX copy of a packaged transformer, made once on this machine and kept in a cache folder.

The copy is exported from the packaged weights with torch and quantized with ONNX Runtime's dynamic
int8 quantization (per-channel weights, matrix products only), so nothing is downloaded. Later
processes load the cached file without importing torch at all.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
RECIPE = f"opset{OPSET}-int8-perchannel-matmul"


def cache_dir() -> Path:
    """$OFSTED_QA_CACHE, else $XDG_CACHE_HOME/ofsted-qa, else ~/.cache/ofsted-qa."""
    if os.environ.get("OFSTED_QA_CACHE"):
        return Path(os.environ["OFSTED_QA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ofsted-qa"


def weights_fingerprint(model_dir: Path) -> str:
    """Short hash of the weights file, so new weights never reuse an old export."""
    weights = next((model_dir / n for n in ("model.safetensors", "pytorch_model.bin") if (model_dir / n).exists()),
                   None)
    if weights is None:
        raise FileNotFoundError(f"no weights file in {model_dir}")
    digest = hashlib.sha256()
    with open(weights, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def int8_model(model_dir: Path) -> Path:
    """Path of the int8 ONNX model for the weights in `model_dir`, exporting it on first use."""
    import onnxruntime

    name = f"{model_dir.parent.name}-{weights_fingerprint(model_dir)}-{RECIPE}-ort{onnxruntime.__version__}.onnx"
    target = cache_dir() / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _export_int8(model_dir, target)
    return target


def _export_int8(model_dir: Path, target: Path) -> None:
    """Export to fp32 ONNX, quantize, and move into place atomically (a crash leaves no half file)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp:
        fp32 = Path(tmp) / "model.onnx"
        _export_fp32(model_dir, fp32)
        int8 = Path(tmp) / "model-int8.onnx"
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantizer logs advice meant for image models
        try:
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"])
        finally:
            root.setLevel(level)
        os.replace(int8, target)


def _export_fp32(model_dir: Path, out: Path) -> None:
    import warnings

    import index.offline  # noqa: F401  (must precede the model libraries)

    # isort: split
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class Hidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "hidden")}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(Hidden(model), example, str(out), input_names=list(INPUTS), output_names=["hidden"],
                          dynamic_axes=axes, opset_version=OPSET, dynamo=False)
