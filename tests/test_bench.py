"""The benchmark's own measuring: child processes' time and peak memory, medians and percentiles."""

import sys

import pytest

from eval.bench import percentile, run_process, summarise


@pytest.mark.slow
def test_run_process_reports_the_childs_own_peak_memory():
    grow = "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); print('done')"
    seconds, peak_mib, out = run_process([sys.executable, "-c", grow])
    assert out.strip() == "done" and seconds > 0
    assert 200 <= peak_mib < 400


@pytest.mark.slow
def test_run_process_names_a_failure():
    with pytest.raises(RuntimeError, match="boom"):
        run_process([sys.executable, "-c", "raise SystemExit('boom')"])


def test_percentiles_and_medians():
    assert percentile([5, 1, 3, 2, 4], 50) == 3 and percentile(list(range(1, 101)), 95) == 95
    runs = [{"seconds": s, "pages": 10, "chunks": 40} for s in (2.0, 4.0, 1.0)]
    summary = summarise(runs)
    assert summary["seconds"] == 2.0 and summary["pages_per_s"] == 5.0 and summary["chunks_per_s"] == 20.0
