"""Fitted models kept as JSON: round trip, probabilities, clear errors, and features the code computes."""

import json

import pytest

from qa import calibrated
from qa.calibrated import LogisticModel, ModelFileError

MODEL = LogisticModel("toy", ("a", "b"), (0.0, 1.0), (1.0, 2.0), (2.0, -1.0), 0.5, {"abstain_below": 0.3})


def test_round_trip_and_probability(tmp_path):
    path = calibrated.save(MODEL, tmp_path)
    loaded = calibrated.load("toy", tmp_path)
    assert loaded == MODEL and loaded.thresholds == {"abstain_below": 0.3}
    assert MODEL.probability({"a": 1.0, "b": 1.0}) > MODEL.probability({"a": 0.0, "b": 1.0})
    assert MODEL.probability({"a": 0.0, "b": 1.0}) == pytest.approx(1 / (1 + 2.718281828 ** -0.5), rel=1e-6)
    assert json.loads(path.read_text())["features"] == ["a", "b"]


def test_a_damaged_model_file_is_named(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="broken.json"):
        calibrated.load("broken", tmp_path)
    (tmp_path / "short.json").write_text(json.dumps({**MODEL.to_json(), "name": "short", "coef": [1.0]}))
    with pytest.raises(ModelFileError, match="differ in number"):
        calibrated.load("short", tmp_path)


def test_the_shipped_models_use_features_the_code_computes(bundled_qa):
    from eval.train import QUESTION_FEATURES, SENTENCE_FEATURES
    from qa.answer import scored

    models = bundled_qa.answerer.models
    assert models.sentence.features == SENTENCE_FEATURES and models.answerable.features == QUESTION_FEATURES
    query, hits = bundled_qa.search("What did inspectors say about PA caseloads?")
    gathered = bundled_qa.answerer.gather(query, hits)
    _, features = scored(gathered, models.sentence)
    assert set(QUESTION_FEATURES) <= set(features)
    assert all(set(SENTENCE_FEATURES) <= set(c.features) for c in gathered.candidates)
