"""Tables and text the CLI prints."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

if TYPE_CHECKING:  # the tables need no torch: `kgrec query` and `kgrec neo4j` stay light
    from kgrec.reasoning.paths import Path
    from kgrec.reasoning.profile import UserProfile
    from kgrec.reasoning.ranker import Recommendation

METRIC_COLUMNS = ("ndcg@10", "recall@10", "hit@10", "ndcg@20", "recall@20")


def metrics_table(metrics: dict[str, Any]) -> Table:
    """One row per model, one column per headline metric (test split)."""
    table = Table(
        title=f"Test split ({metrics.get('split', '?')}), full ranking", title_justify="left"
    )
    table.add_column("model")
    for col in METRIC_COLUMNS:
        table.add_column(col, justify="right")
    for name, values in metrics["models"].items():
        table.add_row(name, *(f"{values.get(col, float('nan')):.4f}" for col in METRIC_COLUMNS))
    return table


def comparison_table(result: dict[str, Any]) -> Table:
    """``kgrec eval``'s table: mean ± std over seeds per model, best NDCG@10 first."""
    seeds = len(result.get("seeds", [])) or 1
    table = Table(
        title=f"{escape(result['dataset'])}: test split ({result['split']}), mean ± std over "
        f"{seeds} seed{'s' if seeds > 1 else ''}",
        title_justify="left",
    )
    columns = ("ndcg@10", "recall@10", "ndcg@20", "recall@20", "coverage@10")
    table.add_column("model", no_wrap=True)
    for col in columns:
        table.add_column(col, justify="right", no_wrap=True)
    models = result["models"]
    for name in sorted(models, key=lambda m: -models[m].get("ndcg@10", 0.0)):
        row = models[name]
        table.add_row(
            name,
            *(
                f"{row.get(c, float('nan')):.4f}±{row.get(c + '_std', 0.0):.4f}".replace(
                    "±0.", "±."
                )
                for c in columns
            ),
        )
    return table


def cold_start_table(cold: dict[str, Any]) -> Table:
    """Cold-start items: each model's Recall@k / NDCG@k ranking the cold items."""
    k = cold.get("k", 20)
    table = Table(
        title=f"Cold-start items: {cold['items']} items without interactions, "
        f"{cold['test_pairs']} test pairs of {cold['users']} users, ranked among themselves "
        f"at k = {k} (id-only has nothing to go on: its row is a random order's score)",
        title_justify="left",
    )
    table.add_column("model", no_wrap=True)
    table.add_column(f"recall@{k}", justify="right")
    table.add_column(f"ndcg@{k}", justify="right")
    for name, row in cold["models"].items():
        table.add_row(name, f"{row[f'recall@{k}']:.4f}", f"{row[f'ndcg@{k}']:.4f}")
    return table


#: Explanation metrics as shown, in order (``kgrec.evaluation.explanations``).
EXPLANATION_ROWS = {
    "coverage": "top-10 items with ≥ 1 path",
    "deletion_fidelity": "top path's deletion lowers the score more than another of its type",
    "attribute_fidelity": "deleting the attribute a top path names (exact refit) lowers "
    "the score more than deleting another the two items share",
    "attribute_fidelity_norms": "the same, had paths named the attribute of the largest "
    "GNN edge norms (the former way)",
    "mean_score_drop": "share of the score lost when the top path is deleted",
    "path_type_diversity": "distinct path types per list / list length",
    "path_recency": "liked item a top path starts from: 1 latest, 0 first",
    "shared_entity_popularity": "share of all items linked to the path's shared node",
}


def explanations_table(metrics: dict[str, float]) -> Table:
    """kgrec's explanation metrics (mean ± std over seeds)."""
    table = Table(
        title=f"Explanations of kgrec's top-10 lists: {metrics['recommendations']:.0f} "
        f"recommendations, {metrics['fidelity_cases']:.0f} with a second path of the top "
        "path's type",
        title_justify="left",
    )
    table.add_column("measure", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("what it is")
    for key, what in EXPLANATION_ROWS.items():
        if key in metrics:
            table.add_row(key, f"{metrics[key]:.4f}±{metrics[key + '_std']:.4f}", what)
    return table


def profile_table(profile: UserProfile) -> Table:
    """Top attributes now, and their share of the items in each time window."""
    table = Table(
        title=f"User {escape(profile.user_id)}: {profile.interactions} interactions; 'now' weighs "
        f"each item 2^(-later items / {profile.half_life:g})",
        title_justify="left",
    )
    table.add_column("attribute", no_wrap=True)
    table.add_column("kind")
    table.add_column("now", justify="right")
    for k, _ in enumerate(profile.windows, start=1):
        table.add_column(f"window {k}", justify="right")
    for interest in profile.top:
        shares = [w["shares"].get(interest.name, 0.0) for w in profile.windows]
        table.add_row(
            escape(interest.name),
            interest.label,
            f"{interest.share:.0%}",
            *(f"{s:.0%}" for s in shares),
        )
    return table


def counts_table(counts: dict[str, int]) -> Table:
    """Node and relationship counts of the graph."""
    table = Table(title="Knowledge graph", title_justify="left")
    table.add_column("nodes / relationships")
    table.add_column("count", justify="right")
    for name, n in counts.items():
        table.add_row(escape(name), f"{n:,}")
    return table


def path_text(path: Path) -> str:
    """ "u01 -INTERACTED- Heat -DIRECTED_BY- Michael Mann -DIRECTED_BY- Collateral" """
    parts = [f"{path.nodes[0].name}"]
    for rel, node in zip(path.relationships, path.nodes[1:], strict=True):
        parts.append(f"-[{rel}]- ({node.label}) {node.name}")
    return " ".join(parts)


def recommendations_table(user: str, recs: list[Recommendation]) -> Table:
    """Rank, title, score and the explanation sentence."""
    table = Table(
        title=f"Top {len(recs)} for {escape(user)}", title_justify="left", show_lines=True
    )
    table.add_column("#", justify="right")
    table.add_column("item")
    table.add_column("score", justify="right")
    table.add_column("why")
    for r in recs:
        table.add_row(
            str(r.rank),
            f"{escape(r.title)} [dim]({escape(r.item_id)})[/]",
            f"{r.score:.3f}",
            escape(r.text),
        )
    return table


def explanation_tree(user: str, rec: Recommendation) -> Tree:
    """The sentence, then each path with the score it carries."""
    rank = "already seen" if rec.rank == 0 else f"rank {rec.rank}"
    tree = Tree(
        f"[bold]{escape(rec.title)}[/] ({escape(rec.item_id)}) for {escape(user)}: "
        f"score {rec.score:.3f}, {rank}"
    )
    tree.add(escape(rec.text))
    paths = tree.add("paths (score each carries; negative ones pull it down)")
    for p in rec.paths:
        paths.add(escape(f"{p.score:+.4f}  {path_text(p)}"))
    rest = rec.score - sum(p.score for p in rec.paths)
    if rec.paths and abs(rest) >= 5e-4:
        paths.add(
            escape(f"{rest:+.4f}  the other terms (smaller paths, the user's own embedding)"),
            style="dim",
        )
    return tree


def print_json(console: Console, value: Any) -> None:
    """JSON only, to stdout."""
    console.print_json(json.dumps(value, ensure_ascii=False, default=str))


def extraction_tables(result: dict[str, Any]) -> list[Table]:
    """Mention scores per kind for each gold split, then canonicalisation."""
    tables = []
    for split, scores in result["mentions"].items():
        table = Table(
            title=f"Mentions, {split} ({scores['texts']} texts; strict span + kind)",
            title_justify="left",
        )
        for col in ("kind", "precision", "recall", "F1", "gold", "found"):
            table.add_column(col, justify="left" if col == "kind" else "right")
        rows = [*scores["per_kind"].items(), ("overall", scores["overall"])]
        for kind, s in rows:
            table.add_row(
                kind,
                f"{s['precision']:.3f}",
                f"{s['recall']:.3f}",
                f"{s['f1']:.3f}",
                f"{int(s['support'])}",
                f"{int(s['predicted'])}",
            )
        tables.append(table)
    m, choice = result["merges"], result["threshold_choice"]
    table = Table(title="Canonicalisation (labelled name pairs)", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("threshold in use", f"{m['threshold']:.2f}")
    table.add_row(f"must-merge pairs merged (of {m['must_merge']})", f"{m['merge_recall']:.1%}")
    table.add_row(
        f"must-not-merge pairs merged (of {m['must_not_merge']})", f"{m['false_merge_rate']:.1%}"
    )
    held = choice["held_out"]
    table.add_row(
        "threshold chosen on half the pairs",
        f"{choice['threshold']:.2f} (other half: {held['merge_recall']:.1%} merged, "
        f"{held['false_merge_rate']:.1%} false)",
    )
    tables.append(table)
    return tables


def simulation_tables(result: dict[str, Any]) -> list[Table]:
    """``kgrec simulate``'s tables: one per response family, a row per policy."""
    tables = []
    for run in result.get("runs", [result]):
        v = run["validation"]
        table = Table(
            title=f"Simulated users ({escape(v['response_model'])} response model, attribute "
            f"weight {v.get('attribute_weight', 0):.2f}; AUC {v['auc']:.3f}, Kendall τ "
            f"{v['kendall_tau']:.2f}, first slates {v.get('kendall_tau_first', float('nan')):.2f})"
            ": mean over seeds of "
            "accepts per user, rounds stayed, hidden preference of accepted items, distinct "
            "attributes per slate, novelty (bits), catalogue coverage",
            title_justify="left",
        )
        for col in (
            "policy",
            "accepts / user",
            "95% CI",
            "session",
            "satisfaction",
            "diversity",
            "novelty",
            "coverage",
        ):
            table.add_column(col, justify="left" if col == "policy" else "right", no_wrap=True)
        for name, p in run["policies"].items():
            lo, hi = p["accepts_ci"]
            table.add_row(
                escape(name),
                f"{p['accepts']:.3f}",
                f"{lo:.3f}–{hi:.3f}",
                f"{p['session_length']:.2f}",
                f"{p['satisfaction']:.3f}",
                f"{p['diversity']:.3f}",
                f"{p['novelty']:.2f}",
                f"{p['coverage']:.3f}",
            )
        tables.append(table)
        ope = run.get("offpolicy")
        if ope:
            check = _estimates_table(
                f"Off-policy estimates of first-position accept rate from {ope['logged']} "
                "slates kgrec explored (temperature 0.2 over its top 30): value [95% CI]",
                ["true"],
            )
            for name, row in ope.items():
                if name != "logged":
                    check.add_row(escape(name), f"{row['true']:.3f}", *_estimates(row))
            tables.append(check)
    return tables


def offpolicy_table(result: dict[str, Any]) -> Table:
    """``kgrec ope``'s table: a row per target policy, the logging policy's own first."""
    table = _estimates_table(
        f"First-position accept rate from {result['logged']} explored slates: value [95% CI]",
        [],
    )
    v, lo, hi = result["logging"]
    table.add_row("logging (observed)", *([f"{v:.3f} [{lo:.3f}, {hi:.3f}]"] * 3))
    for name, row in result["targets"].items():
        table.add_row(escape(name), *_estimates(row))
    return table


def _estimates_table(title: str, extra: list[str]) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("target", *extra, "IPS", "SNIPS", "DR"):
        table.add_column(col, justify="left" if col == "target" else "right")
    return table


def _estimates(row: dict[str, list[float]]) -> list[str]:
    return [
        f"{v:.3f} [{lo:.3f}, {hi:.3f}]" for v, lo, hi in (row[e] for e in ("ips", "snips", "dr"))
    ]
