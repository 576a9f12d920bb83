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
    and seed, for the models that were trained. Each model has its own colour and line
    style (models that train the same network, such as kgrec and kgrec-static, draw the
    same curve: the dashes keep both visible); each seed its own marker."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    styles = ("-", "--", ":", "-.")
    markers = (".", "x", "^", "s", "v")
    for n, (name, runs) in enumerate(sorted(curves.items())):
        look = {"color": colours[n % len(colours)], "linestyle": styles[n % len(styles)]}
        for s, run in enumerate(runs):
            marker = markers[s % len(markers)]
            checked = [r for r in run if "valid_ndcg@10" in r]
            left.plot(
                [r["epoch"] for r in checked],
                [r["valid_ndcg@10"] for r in checked],
                label=name if s == 0 else None,
                alpha=0.8,
                marker=marker,
                **look,
            )
            losses = [r for r in run if "loss" in r]
            right.plot([r["epoch"] for r in losses], [r["loss"] for r in losses], alpha=0.8, **look)
    seeds = max((len(runs) for runs in curves.values()), default=0)
    if seeds > 1:  # one grey entry per seed's marker
        for s in range(seeds):
            left.plot([], [], color="grey", marker=markers[s % len(markers)], label=f"seed {s}")
    left.set(xlabel="epoch", ylabel="valid NDCG@10", title="validation")
    right.set(xlabel="epoch", ylabel="loss", title="training loss", yscale="log")
    left.legend(fontsize=8)
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    return finish(fig, path, title)
