"""Pictures of a model comparison: metric bars with seed spread, and training curves."""

from __future__ import annotations

from pathlib import Path

from kgrec.plotting import finish, pyplot

#: Metrics drawn in the comparison chart.
CHART_METRICS = ("ndcg@10", "recall@10", "ndcg@20", "recall@20")


def save_comparison_chart(
    models: dict[str, dict[str, float]], path: Path, title: str = "Test split"
) -> Path:
    """Grouped horizontal bars per model (best NDCG@10 on top), one bar per metric in
    :data:`CHART_METRICS`, with the std over seeds as error bars."""
    plt = pyplot()
    names = sorted(models, key=lambda m: models[m].get("ndcg@10", 0.0))
    fig, ax = plt.subplots(figsize=(9, 1.0 + 0.55 * len(names)))
    height = 0.8 / len(CHART_METRICS)
    for k, metric in enumerate(CHART_METRICS):
        ys = [n + (k - (len(CHART_METRICS) - 1) / 2) * height for n in range(len(names))]
        values = [models[m].get(metric, 0.0) for m in names]
        errors = [models[m].get(f"{metric}_std", 0.0) for m in names]
        ax.barh(ys, values, height=height, xerr=errors, label=metric, capsize=2)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("score (mean over seeds; bars: ± std)")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return finish(fig, path)


def save_training_curves(
    curves: dict[str, list[list[dict[str, float]]]], path: Path, title: str = "Training"
) -> Path:
    """Validation NDCG@10 (left) and training loss (right) per epoch, one line per model
    and seed, for the models that were trained."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for n, (name, runs) in enumerate(sorted(curves.items())):
        colour = colours[n % len(colours)]
        for s, run in enumerate(runs):
            label = name if s == 0 else None
            checked = [r for r in run if "valid_ndcg@10" in r]
            left.plot(
                [r["epoch"] for r in checked],
                [r["valid_ndcg@10"] for r in checked],
                color=colour,
                label=label,
                alpha=0.8,
                marker=".",
            )
            losses = [r for r in run if "loss" in r]
            right.plot(
                [r["epoch"] for r in losses], [r["loss"] for r in losses], color=colour, alpha=0.8
            )
    left.set(xlabel="epoch", ylabel="valid NDCG@10", title="validation")
    right.set(xlabel="epoch", ylabel="BPR loss", title="training loss", yscale="log")
    left.legend(fontsize=8)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    return finish(fig, path, title)
