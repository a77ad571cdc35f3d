"""Files of a report: CSV tables and one self-contained HTML page with charts.

The charts are drawn by matplotlib (Agg, no display) as PNG data URIs inside the
page, so the HTML file can be mailed or opened offline. matplotlib is imported only
here, on demand: it is not in the kiosk's start-up path nor in the frozen bundle
(kiosk.spec excludes it). Without it the page still has every table and says how
to get the charts.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EMOTION_COLORS = {
    "HAPPY": "#f2b705", "SURPRISED": "#f28705", "CALM": "#4aa3a2", "SAD": "#3b6ea8",
    "ANGRY": "#c0392b", "FEAR": "#7d3c98", "DISGUSTED": "#5b8c2a", "CONFUSED": "#95a5a6",
}


def write_csv(report: dict[str, Any], out: Path) -> list[Path]:
    """`buckets.csv`, `by_emotion.csv`, `top_items.csv`, `totals.csv` in `out`. When the
    mix leaves pages or likes out (`held_back`), `by_emotion.csv` and `top_items.csv`
    end with a "held back (k = 5)" row whose `note` says how many and why."""
    out.mkdir(parents=True, exist_ok=True)
    held = report.get("held_back") or {}
    note = held.get("note", "")
    label = f"held back (k = {report['k']})"
    written = []
    rows = report["buckets"]
    path = out / "buckets.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        fields = list(rows[0]) if rows else ["time", "start", "visits"]
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    written.append(path)
    path = out / "by_emotion.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer2 = csv.writer(f)
        writer2.writerow(["emotion", "settled_readings", "like_rate", "note"])
        emotions = sorted(set(report["emotion_mix"]) | set(report["like_rate_by_emotion"]))
        for e in emotions:
            writer2.writerow([e, report["emotion_mix"].get(e, 0),
                              report["like_rate_by_emotion"].get(e, ""), ""])
        if note:
            writer2.writerow([label, "", "", note])
    written.append(path)
    path = out / "top_items.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer2 = csv.writer(f)
        writer2.writerow(["item", "likes", "note"])
        writer2.writerows([t["item"], t["likes"], ""] for t in report["top_items"])
        if note:
            writer2.writerow([label, held.get("likes", ""), note])
    written.append(path)
    path = out / "totals.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer2 = csv.writer(f)
        writer2.writerow(["name", "value"])
        writer2.writerows([k, "" if v is None else v] for k, v in report["totals"].items())
    written.append(path)
    return written


def write_html(report: dict[str, Any], out: Path, title: str = "Kiosk audience") -> Path:
    """`report.html` in `out`: totals, six charts (when matplotlib is installed), tables."""
    out.mkdir(parents=True, exist_ok=True)
    charts = render_charts(report)
    t = report["totals"]
    note = (report.get("held_back") or {}).get("note", "")
    held = f"<p><b>Held back</b>: {html.escape(note)}.</p>" if note else ""
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font:15px system-ui,sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:.3em .6em;text-align:right}th{background:#f4f4f4}"
        ".grid{display:flex;flex-wrap:wrap;gap:1em}.grid img{max-width:560px;width:100%}"
        "</style>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(report['since'])} to {html.escape(report['until'])} (UTC); "
        f"hours of day and bucket times in {html.escape(_zone(report))}. "
        f"Emotion mix, like rates and items cover at least k = {report['k']} visits each; "
        f"smaller groups were merged or suppressed ({t['suppressed_visits']} visits).</p>",
        held,
        "<h2>Totals</h2>", _table(["name", "value"], list(t.items())),
    ]
    if charts:
        parts.append("<h2>Charts</h2><div class='grid'>")
        for name, uri in charts.items():
            parts.append(f"<figure><img alt='{html.escape(name)}' src='{uri}'>"
                         f"<figcaption>{html.escape(name)}</figcaption></figure>")
        parts.append("</div>")
    else:
        parts.append("<p><b>Charts need matplotlib</b>: run the report on a machine with "
                     "<code>pip install matplotlib</code> (the kiosk bundle leaves it out). "
                     "The tables below have the same numbers.</p>")
    parts += [
        "<h2>Like rate by emotion</h2>",
        _table(["emotion", "like rate"], list(report["like_rate_by_emotion"].items())),
        held,
        "<h2>Top items</h2>",
        _table(["item", "likes"], [(i["item"], i["likes"]) for i in report["top_items"]]),
        held,
        f"<h2>Visits by hour ({html.escape(_zone(report))})</h2>",
        _table(["hour", "visits"], list(report["visits_by_hour"].items())),
        "</html>",
    ]
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def render_charts(report: dict[str, Any]) -> dict[str, str]:
    """Chart title -> PNG data URI; {} when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        log.info("report: matplotlib not installed; the page has tables only")
        return {}
    charts: dict[str, str] = {}
    hours = [int(h) for h in report["visits_by_hour"]]
    zone = _zone(report)
    draws: list[tuple[str, Callable[[Any], None]]] = [
        (f"Visits per hour of day ({zone})", lambda ax: ax.bar(
            hours, list(report["visits_by_hour"].values()), color="#3b6ea8")),
        (f"Dwell time (s) per bucket, p50 and p90 ({zone})", lambda ax: _dwell(ax, report)),
        (f"Emotion mix over the day ({zone})", lambda ax: _emotion_by_hour(ax, report)),
        ("Like rate by emotion", lambda ax: _bars(ax, report["like_rate_by_emotion"])),
        ("Top items (likes)", lambda ax: _top_items(ax, report)),
        ("Camera uptime (hours per state)", lambda ax: _bars(
            ax, {k: v / 3600 for k, v in report["camera_s"].items()})),
    ]
    for title, draw in draws:
        fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=90)
        try:
            draw(ax)
            ax.set_title(title)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        finally:
            plt.close(fig)
        charts[title] = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return charts


def _bars(ax: Any, values: dict[str, float]) -> None:
    names = list(values)
    ax.bar(names, [values[n] for n in names],
           color=[EMOTION_COLORS.get(n, "#3b6ea8") for n in names])
    ax.tick_params(axis="x", labelrotation=30)


def _dwell(ax: Any, report: dict[str, Any]) -> None:
    rows = [r for r in report["buckets"] if r["visits"]]
    # the store's wall-clock times, as matplotlib draws naive datetimes
    times = [datetime.fromisoformat(r["local_time"]).replace(tzinfo=None) for r in rows]
    ax.plot(times, [r["dwell_p50_s"] for r in rows], ".-", label="p50")
    ax.plot(times, [r["dwell_p90_s"] for r in rows], ".-", label="p90")
    ax.legend()
    ax.tick_params(axis="x", labelrotation=30)


def _emotion_by_hour(ax: Any, report: dict[str, Any]) -> None:
    by_hour = report["emotion_by_hour"]
    hours = [int(h) for h in by_hour]
    bottom = [0] * len(hours)
    for emotion, color in EMOTION_COLORS.items():
        values = [by_hour[str(h)].get(emotion, 0) for h in hours]
        if any(values):
            ax.bar(hours, values, bottom=bottom, color=color, label=emotion)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if any(bottom):
        ax.legend(fontsize="small", ncol=4)


def _top_items(ax: Any, report: dict[str, Any]) -> None:
    items = report["top_items"][::-1]
    ax.barh([i["item"].split("/", 1)[-1] for i in items], [i["likes"] for i in items],
            color="#f28705")


def _zone(report: dict[str, Any]) -> str:
    return str(report.get("timezone") or "local time")


def _table(header: list[str], rows: list[tuple[Any, Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in row)
        + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"
