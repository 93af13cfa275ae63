"""The load test's summaries: exact counts, rates and percentiles from hand-made samples, no server."""

import json

from eval import load
from eval.load import Aims, Sample


def samples(kind: str, start: float, times_ms: list[float], status: int = 200, error: str = "") -> list[Sample]:
    return [Sample(kind, start + i * 0.1, ms, status, error) for i, ms in enumerate(times_ms)]


def test_summary_counts_errors_apart_from_latency():
    run = samples("ask", 100.0, [10, 20, 30, 40, 50]) + samples("ask", 101.0, [5], status=500, error="HTTP 500: boom")
    s = load.summarise(run, seconds=2.0)
    assert s == {"requests": 6, "errors": 1, "error_rate": 0.1667, "requests_per_s": 3.0, "ok_per_s": 2.5,
                 "mean_ms": 30.0, "p50_ms": 30.0, "p95_ms": 48.0, "p99_ms": 49.6, "max_ms": 50.0}


def test_a_connection_error_or_a_redirect_is_an_error():
    assert not Sample("ask", 0.0, 3.0, 0, "connection error: refused").ok
    assert not Sample("ask", 0.0, 3.0, 302).ok
    assert Sample("search", 0.0, 3.0, 204).ok


def test_empty_summary_has_no_percentiles():
    assert load.summarise([], seconds=0.0) == {
        "requests": 0, "errors": 0, "error_rate": 0.0, "requests_per_s": None, "ok_per_s": None,
        "mean_ms": None, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}


def test_report_per_kind_overall_and_aims():
    run = samples("ask", 0.0, [100.0] * 8) + samples("search", 0.0, [200.0] * 4)
    report = load.load_report(run, started=0.0, stopped=2.0, aims=Aims(asks_per_s=4.0, p99_ms=150.0))
    assert list(report["requests"]) == ["ask", "search", "all"]
    assert report["requests"]["all"]["requests"] == 12
    assert report["requests"]["all"]["requests_per_s"] == 6.0
    assert report["asks_per_s"] == 4.0
    assert report["aims"] == {"asks_per_s >= 4": True, "p99_ms <= 150": False, "errors == 0": True}
    assert report["errors"] == {}
    json.dumps(report)  # written as it is


def test_errors_fail_the_aim_and_are_counted_by_message():
    run = (samples("ask", 0.0, [10.0] * 3) + samples("search", 0.0, [1.0] * 2, status=503, error="HTTP 503: busy")
           + samples("user_error", 0.0, [0.0], status=0, error="KeyError('x')"))
    report = load.load_report(run, started=0.0, stopped=1.0)
    assert report["errors"] == {"search: HTTP 503: busy": 2, "user_error: KeyError('x')": 1}
    assert report["requests"]["all"]["errors"] == 3
    assert report["aims"]["errors == 0"] is False


def test_no_requests_meets_no_aim():
    report = load.load_report([], started=0.0, stopped=60.0)
    assert not any(report["aims"].values())


def test_the_ingest_window_splits_the_run():
    # asks at 0.0, 0.1, ... 1.9 s; the ingest runs from 0.5 s to 1.0 s (started before, finished within)
    run = samples("ask", 0.0, [10.0] * 20)
    ingest = {"files": 30, "started": 0.5, "finished": 1.0, "exit_code": 0}
    report = load.load_report(run, started=0.0, stopped=2.0, ingest=ingest)
    assert report["ingest"]["overlap_s"] == 0.5
    assert report["while_ingesting"]["all"]["requests"] == 5  # 0.5, 0.6, 0.7, 0.8, 0.9
    assert report["while_ingesting"]["ask"]["requests_per_s"] == 10.0
    assert report["not_ingesting"]["all"]["requests"] == 15
    assert "overlap_s" not in ingest  # the caller's dict is left alone


def test_an_ingest_outlasting_the_load_covers_all_of_it():
    run = samples("search", 10.0, [10.0] * 10)
    report = load.load_report(run, started=10.0, stopped=11.0, ingest={"started": 9.0, "finished": None})
    assert report["ingest"]["overlap_s"] == 1.0
    assert report["while_ingesting"]["all"]["requests"] == 10
    assert report["not_ingesting"] is None


def test_questions_are_read_once_each_in_order(tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text('{"question": "Who led it?"}\n\n{"question": "How did Havering do?"}\n', encoding="utf-8")
    b = tmp_path / "b.jsonl"
    b.write_text('{"question": "Who led it?"}\n{"claim": "not a question"}\n', encoding="utf-8")
    assert load.read_questions([a, b]) == ["Who led it?", "How did Havering do?"]


def test_default_questions_exist():
    assert len(load.read_questions(load.DEFAULT_QUESTIONS)) > 100


def test_the_table_shows_every_kind_and_aim():
    run = samples("ask", 0.0, [100.0] * 8) + samples("search", 0.0, [200.0] * 4, status=500, error="HTTP 500: x")
    text = load.format_report(load.load_report(run, 0.0, 2.0, setup={"users": 32, "mix": "2:1", "questions": 9}))
    assert text.splitlines()[0] == "32 users, 2.0 s, think time 0 s, ask:search 2:1, 9 questions"
    assert "MISSED: errors == 0" in text and "met: p99_ms <= 500" in text and "search: HTTP 500: x" in text
