"""Logistic models fitted on development data and kept as plain JSON (no pickle), applied with numpy.

A model file names its features, their standardisation, the coefficients and the decision
thresholds chosen for it; `python -m eval.train` writes them into `qa/weights/`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

WEIGHTS = Path(__file__).resolve().parent / "weights"


class ModelFileError(Exception):
    """A model file that is missing, unreadable or does not match the features the code computes."""


@dataclass(frozen=True)
class LogisticModel:
    """p(label) = sigmoid(coef · (x - mean) / scale + intercept), over named features."""

    name: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    thresholds: dict = field(default_factory=dict, compare=False)
    about: dict = field(default_factory=dict, compare=False)  # what it was fitted on

    def probability(self, values: dict[str, float]) -> float:
        """Probability of the positive class for one item's feature values (missing ones count as 0)."""
        z = self.intercept
        for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef):
            z += c * (float(values.get(name, 0.0)) - m) / (s or 1.0)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"name": self.name, "features": list(self.features), "mean": list(self.mean),
                "scale": list(self.scale), "coef": list(self.coef), "intercept": self.intercept,
                "thresholds": self.thresholds, "about": self.about}

    @classmethod
    def from_json(cls, data: dict) -> LogisticModel:
        try:
            model = cls(str(data["name"]), tuple(data["features"]), tuple(map(float, data["mean"])),
                        tuple(map(float, data["scale"])), tuple(map(float, data["coef"])), float(data["intercept"]),
                        dict(data.get("thresholds") or {}), dict(data.get("about") or {}))
        except (KeyError, TypeError, ValueError) as e:
            raise ModelFileError(f"model {data.get('name', '?')}: {e}") from e
        if not len(model.features) == len(model.mean) == len(model.scale) == len(model.coef):
            raise ModelFileError(f"model {model.name}: features and coefficients differ in number")
        return model


def save(model: LogisticModel, folder: Path = WEIGHTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model.name}.json"
    path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    return path


@cache
def load(name: str, folder: Path = WEIGHTS) -> LogisticModel:
    """The model `name` shipped in `folder`; raises `ModelFileError` naming the file."""
    path = folder / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ModelFileError(f"cannot read {path}: {e}") from e
    return LogisticModel.from_json(data)
