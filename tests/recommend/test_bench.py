"""`python -m kiosk.bench recommend` on a small simulated store (shape of the JSON)."""

from __future__ import annotations

from kiosk.bench import recommend


def test_bench_reports_the_store_numbers() -> None:
    result = recommend.run(["--items", "800", "--visits", "60", "--pages", "3",
                            "--seeds", "1,2", "--hard"])
    assert result["setting"] == "hard" and result["seeds"] == [1, 2]
    assert result["world"]["base"] == recommend.HARD["base"]
    for run in result["runs"].values():
        rates = run["like_rate_by_page"]
        assert set(rates) == {"random", "emotion_static", "embedded"}
        assert all(len(r) == 3 and all(0.0 <= x <= 1.0 for x in r) for r in rates.values())
        assert run["rank_ms"]["p50"] > 0 and run["rank_ms"]["calls"] == 180
        for timing in (run["rank_ms"], run["rank_cpu_ms"]):  # wall and CPU time
            assert 0 <= timing["p50"] <= timing["p95"] <= timing["p99"]
        low, high = run["page3_lift_ci95"]
        assert low <= run["page3_lift"] <= high
        assert run["catalog_near_duplicate_pairs"] > 0  # the world has look-alikes...
        assert run["near_duplicate_pairs_per_page"] == 0  # ...that pages never pair
        assert run["on_emotion_share"]["emotion"] >= 0.95
    summary = result["summary"]
    assert set(summary["on_emotion_share"]) == {"emotion", "personalized"}
    assert summary["targets"]["no_near_duplicate_pairs"] is True
    assert summary["targets"]["on_emotion_share_emotion_at_least_0_95"] is True
    assert {"page3_lift", "rank_p99_ms", "near_duplicate_pairs_per_page"} <= set(summary)
    assert set(summary["page3_lift_by_seed"]) == {1, 2}
