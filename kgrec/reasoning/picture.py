"""A picture of one explanation: the subgraph its paths run through, as a PNG."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path as FilePath

from kgrec.errors import ArgumentError
from kgrec.plotting import finish, pyplot
from kgrec.reasoning.paths import Path

#: Node colours per label; other labels (attributes of any kind) share the last one.
_COLOURS = {"User": "#4c78a8", "Item": "#f58518", "Text": "#54a24b"}
_ATTRIBUTE = "#b279a2"


def _layout(paths: Sequence[Path]) -> dict[str, tuple[float, float]]:
    """Columns by hop: the user left, the explained item right, what lies between in
    between (a node keeps the first column it is met in); rows spread evenly."""
    column: dict[str, int] = {}
    width = max(len(p.nodes) for p in paths) - 1
    for p in paths:
        last = len(p.nodes) - 1
        for k, node in enumerate(p.nodes):
            # the explained item always sits in the last column, whatever the path length
            col = width if k == last else k
            column.setdefault(node.node_id, col)
    by_col: dict[int, list[str]] = {}
    for node_id, col in column.items():
        by_col.setdefault(col, []).append(node_id)
    pos: dict[str, tuple[float, float]] = {}
    for col, ids in by_col.items():
        for row, node_id in enumerate(ids):
            pos[node_id] = (float(col), (len(ids) - 1) / 2.0 - row)
    return pos


def save_explanation_png(
    paths: Sequence[Path], path: FilePath, title: str, sentence: str = ""
) -> FilePath:
    """Draw the nodes and edges of ``paths`` (edges labelled with their relationship,
    wider for paths that carry more of the score) and save a PNG at ``path``."""
    if not paths:
        raise ArgumentError(
            "no path to draw: this item has no explanation path for the user; "
            "pick an item from `kgrec recommend` (every one of those has a path)"
        )
    plt = pyplot()
    pos = _layout(paths)
    names = {n.node_id: n for p in paths for n in p.nodes}
    top = max(abs(p.score) for p in paths) or 1.0
    rows = max(sum(1 for x, _ in pos.values() if x == c) for c in {x for x, _ in pos.values()})
    fig, ax = plt.subplots(figsize=(3.2 * (max(x for x, _ in pos.values()) + 1), 1.2 + rows))
    drawn: set[tuple[str, str]] = set()
    for p in sorted(paths, key=lambda q: abs(q.score)):
        for (a, b), rel in zip(pairwise(p.nodes), p.relationships, strict=True):
            (x0, y0), (x1, y1) = pos[a.node_id], pos[b.node_id]
            ax.plot([x0, x1], [y0, y1], color="#888888", zorder=1, lw=0.8 + 4 * abs(p.score) / top)
            if (a.node_id, b.node_id) not in drawn:
                drawn.add((a.node_id, b.node_id))
                ax.text(
                    (x0 + x1) / 2, (y0 + y1) / 2, rel, fontsize=7, ha="center", va="center",
                    color="#444444", bbox={"fc": "white", "ec": "none", "pad": 0.5}, zorder=2,
                )  # fmt: skip
    for node_id, (x, y) in pos.items():
        node = names[node_id]
        colour = _COLOURS.get(node.label, _ATTRIBUTE)
        ax.scatter([x], [y], s=900, color=colour, zorder=3, edgecolors="white")
        label = textwrap.shorten(node.name, 28, placeholder="…")
        ax.text(x, y - 0.32, f"{label}\n({node.label})", fontsize=8, ha="center", va="top")
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.5)
    ax.axis("off")
    if sentence:
        ax.set_title(textwrap.fill(sentence.replace("*", ""), 90), fontsize=9)
    return finish(fig, path, title)
