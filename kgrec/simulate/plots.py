"""The simulation's picture: cumulative accepts per user over rounds, one line per policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kgrec.plotting import finish, pyplot


def save_cumulative(result: dict[str, Any], path: Path, title: str) -> Path:
    """One panel per response family (``result`` as :func:`kgrec.simulate.run.run`
    returns it), mean cumulative accepts per user after each round, per policy."""
    runs = result.get("runs", [result])
    plt = pyplot()
    fig, axes = plt.subplots(1, len(runs), figsize=(5.5 * len(runs), 4), squeeze=False)
    for ax, run in zip(axes[0], runs, strict=True):
        for name, p in run["policies"].items():
            ax.plot(range(1, len(p["cumulative"]) + 1), p["cumulative"], label=name, marker=".")
        v = run["validation"]
        ax.set(
            xlabel="round",
            ylabel="accepts per user (cumulative)",
            title=f"{v['response_model']} users (AUC {v['auc']:.2f}, τ {v['kendall_tau']:.2f})",
        )
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(fontsize=8)
    return finish(fig, path, title)
