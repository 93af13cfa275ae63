"""Folds grouped by council: every item about one council lands in the same fold."""

from __future__ import annotations

import random
from collections.abc import Callable

from eval.devset import slug


def council_of(item: dict) -> str:
    """The council an item is about: its `council` field, else its filters' or its letter's."""
    council = item.get("council") or (item.get("filters") or {}).get("local_authority")
    if not council:
        docs = [item.get("doc")] + [e.get("doc") for e in item.get("evidence") or []]
        council = next((d.split("__")[0] for d in docs if d and "__" in d), "unknown")
    return slug(council)


def grouped_folds(items: list[dict], k: int, seed: int = 11) -> list[tuple[list[int], list[int]]]:
    """(train, test) index lists for `k` folds; councils are dealt to folds largest first, each to
    the fold with fewest items so far, in an order fixed by `seed`.

    grouped_folds([{"council": "a"}, {"council": "b"}, {"council": "a"}], 2) -> [([1], [0, 2]), ([0, 2], [1])]
    """
    by_council: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_council.setdefault(council_of(item), []).append(i)
    councils = sorted(by_council)
    random.Random(seed).shuffle(councils)
    councils.sort(key=lambda c: -len(by_council[c]))
    k = max(1, min(k, len(councils)))
    folds: list[list[int]] = [[] for _ in range(k)]
    for council in councils:
        min(folds, key=len).extend(by_council[council])
    everything = set(range(len(items)))
    return [(sorted(everything - set(f)), sorted(f)) for f in folds]


def cross_validate(runs: list, fit: Callable, apply: Callable, score: Callable,
                   folds: int = 5) -> tuple[dict, list[dict], list[tuple]]:
    """Grouped cross-validation over councils of runs that carry their `item`: for each fold, `fit(train runs)`
    gives models, `apply(test runs, models)` their outputs, `score(runs, outputs)` the figures. Gives the
    figures pooled over every fold's held-out outputs, each fold's own (with its councils), and every run
    with its held-out output."""
    pooled_runs: list = []
    pooled_outputs: list = []
    per_fold = []
    for train, test in grouped_folds([r.item for r in runs], folds):
        models = fit([runs[i] for i in train])
        test_runs = [runs[i] for i in test]
        outputs = apply(test_runs, models)
        per_fold.append({**score(test_runs, outputs), "councils": sorted({council_of(r.item) for r in test_runs})})
        pooled_runs += test_runs
        pooled_outputs += outputs
    return score(pooled_runs, pooled_outputs), per_fold, list(zip(pooled_runs, pooled_outputs))
