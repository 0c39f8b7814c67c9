"""A self-contained, accessible HTML page for an opinion map (no script, no external file).

The map is server-rendered SVG with a text alternative (``role="img"``, ``<title>``,
``<desc>``), and every figure it shows is also in a table with a caption, so the page reads
the same with a screen reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import numpy as np

from coprod_engine.opinion.map import OpinionMap

__all__ = ["render_report"]

# Colour-blind-safe palette (Okabe & Ito 2008); groups are also told apart by shape.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
SIZE = 480
PAD = 24


def _svg(result: OpinionMap) -> str:
    xy = result.projection.participants
    if len(xy) == 0:
        return "<p>No votes yet: there is no map to draw.</p>"
    span = float(np.abs(xy).max()) or 1.0

    def scale(v: float) -> float:
        return PAD + (v / span + 1) / 2 * (SIZE - 2 * PAD)

    marks = []
    # Draw at most ~5000 points; a denser cloud adds ink, not information.
    step = max(1, len(xy) // 5000)
    for i in range(0, len(xy), step):
        g = int(result.groups[i])
        x, y = scale(float(xy[i, 0])), scale(float(-xy[i, 1]))
        colour = COLOURS[g % len(COLOURS)] if g >= 0 else "#999999"
        if g % 2 == 1:
            marks.append(
                f'<rect x="{x - 2.5:.1f}" y="{y - 2.5:.1f}" width="5" height="5" fill="{colour}"/>'
            )
        else:
            marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
    for g, centre in enumerate(result.group_centres):
        x, y = scale(float(centre[0])), scale(float(-centre[1]))
        marks.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="16" font-weight="bold" text-anchor="middle" '
            f'stroke="white" stroke-width="3" paint-order="stroke">{_group_name(g)}</text>'
        )
    sizes = ", ".join(
        f"group {_group_name(g)}: {int((result.groups == g).sum())}" for g in range(result.k)
    )
    desc = (
        f"{len(xy)} participants placed by their votes; {int(result.in_conv.sum())} clustered into "
        f"{result.k} opinion groups ({sizes}). Grey points are not clustered (too few votes)."
    )
    return (
        f'<svg role="img" aria-labelledby="map-title map-desc" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-title">Opinion map</title><desc id="map-desc">{escape(desc)}</desc>'
        f'<rect width="{SIZE}" height="{SIZE}" fill="white" stroke="#ccc"/>{"".join(marks)}</svg>'
        f"<p>{escape(desc)}</p>"
    )


def _group_name(g: int) -> str:
    return chr(ord("A") + g) if g < 26 else str(g)


def _text(texts: Mapping[int, str], tid: int) -> str:
    return escape(texts.get(tid, ""))


def _table(caption: str, head: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return f"<p>{escape(caption)}: none.</p>"
    th = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render_report(
    result: OpinionMap, *, title: str = "Opinion map", texts: Mapping[int, str] | None = None
) -> str:
    """The HTML page of ``result``; ``texts`` maps statement ids to their wording."""
    texts = texts or {}
    parts = [f"<h1>{escape(title)}</h1>", "<h2>Map</h2>", _svg(result)]
    parts.append("<h2>Opinion groups</h2>")
    for g, reps in enumerate(result.repness):
        parts.append(
            f"<h3>Group {_group_name(g)} ({int((result.groups == g).sum())} participants)</h3>"
        )
        rows = [
            [
                str(r.tid),
                _text(texts, r.tid),
                r.repful_for,
                f"{r.p_success:.0%}",
                f"{r.repness:.2f}",
            ]
            for r in reps
        ]
        parts.append(
            _table(
                f"Statements that set group {_group_name(g)} apart",
                ["Statement", "Text", "Group tends to", "Share in group", "Ratio to others"],
                rows,
            )
        )
    parts.append("<h2>Consensus</h2>")
    for direction in ("agree", "disagree"):
        rows = [
            [str(c.tid), _text(texts, c.tid), f"{c.p_success:.0%}", str(c.n_trials)]
            for c in result.consensus[direction]
        ]
        parts.append(
            _table(
                f"Statements most participants {direction} with",
                ["Statement", "Text", "Share", "Votes"],
                rows,
            )
        )
    order = np.argsort(-result.group_aware_consensus, kind="stable")[:10]
    rows = [
        [
            str(int(result.statement_ids[c])),
            _text(texts, int(result.statement_ids[c])),
            f"{result.group_aware_consensus[c]:.3f}",
        ]
        for c in order
    ]
    parts.append("<h2>Bridging statements</h2>")
    parts.append(
        _table(
            "Statements every group tends to agree with (group-aware consensus, higher is broader)",
            ["Statement", "Text", "Group-aware consensus"],
            rows,
        )
    )
    for name, view in (
        ("knowledge type", result.knowledge_types),
        ("stakeholder role", result.stakeholder_roles),
    ):
        if view is None:
            continue
        parts.append(f"<h2>Across {name}s</h2>")
        for direction in ("agree", "disagree"):
            rows = [
                [
                    str(c.tid),
                    _text(texts, c.tid),
                    f"{c.min_p:.0%}",
                    escape(c.weakest_label),
                    f"{c.confidence:.1%}",
                ]
                for c in view.cross_consensus[direction]
            ]
            parts.append(
                _table(
                    f"Statements every {name} tends to {direction} with",
                    ["Statement", "Text", "Lowest share", "Weakest", "Confidence"],
                    rows,
                )
            )
    parts.append(
        f"<footer><p>coprod-engine {escape(result.engine_version)}, input sha256 "
        f"<code>{escape(result.input_hash)}</code>. Computation after Polis (Small et al. 2021).</p></footer>"
    )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#111}"
        "table{border-collapse:collapse;margin:1rem 0;width:100%}caption{text-align:left;font-weight:bold}"
        "th,td{border:1px solid #bbb;padding:.3rem;text-align:left;vertical-align:top}"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{style}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>"
    )
