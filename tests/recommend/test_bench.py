"""`python -m kiosk.bench recommend` on a small simulated world (shape of the JSON)."""

from __future__ import annotations

from kiosk.bench import recommend


def test_bench_reports_like_rates_and_latency() -> None:
    result = recommend.run(["--items", "800", "--visits", "40", "--pages", "3"])
    rates = result["like_rate_by_page"]
    assert set(rates) == {"random", "emotion_static", "embedded"}
    assert all(len(r) == 3 and all(0.0 <= x <= 1.0 for x in r) for r in rates.values())
    assert set(result["rank_ms"]) >= {"p50", "p99"}
    assert result["rank_ms"]["p50"] > 0 and result["n_items"] == 800
