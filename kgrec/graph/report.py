"""A picture of a graph's size: node counts per label and edge counts per type."""

from __future__ import annotations

from pathlib import Path

from kgrec.plotting import finish, pyplot


def save_counts_chart(counts: dict[str, int], path: Path, title: str = "Knowledge graph") -> Path:
    """Two horizontal bar charts (nodes per label, relationships per type; log scale) as
    a PNG at ``path``. ``counts`` is :meth:`KnowledgeGraph.counts`' shape."""
    plt = pyplot()
    nodes = {k[2:-1]: v for k, v in counts.items() if k.startswith("(:")}
    rels = {k[2:-1]: v for k, v in counts.items() if k.startswith("[:")}
    height = 1.2 + 0.32 * max(len(nodes), len(rels))
    fig, axes = plt.subplots(1, 2, figsize=(11, height))
    for ax, data, what, colour in (
        (axes[0], nodes, "nodes per label", "#4c72b0"),
        (axes[1], rels, "relationships per type", "#dd8452"),
    ):
        names = sorted(data, key=lambda k: data[k])
        values = [data[k] for k in names]
        bars = ax.barh(names, values, color=colour)
        ax.set_xscale("log")
        ax.set_title(what)
        ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize=8)
        ax.margins(x=0.25)
        ax.spines[["top", "right"]].set_visible(False)
    return finish(fig, path, title)
