"""The ``kgrec`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kgrec.config import PipelineConfig, kgrec_home, load_config
from kgrec.layout import (
    CONFIG_FILE,
    COUNTS_CHART,
    EVAL_FILE,
    EVAL_MODELS_CHART,
    EVAL_TRAINING_CHART,
)


def _flags_take_no_value() -> None:
    """Typer (0.29) prints every option's type in help, so a flag reads ``--json <bool>`` as
    if it took a value; flags (and counters) show no type here."""
    import typer.core

    shown = typer.core.TyperOption.display_type_rich

    def display_type_rich(self: typer.core.TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag or self.count else shown(self, ctx)

    typer.core.TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()

app = typer.Typer(
    help="Knowledge-graph recommendations from text, with explanations.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

WorkDirOpt = Annotated[Path | None, typer.Option("--work-dir", help="A pipeline's work directory.")]
PipelineOpt = Annotated[Path | None, typer.Option("--pipeline", "-p", help="A pipeline TOML file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON only.")]


def _work_dir(work_dir: Path | None, pipeline: Path | None) -> Path:
    if work_dir is not None:
        return work_dir
    if pipeline is not None:
        return load_config(pipeline).resolved_work_dir()
    return kgrec_home() / "sample"


def _listed(text: str) -> list[str]:
    """The names of a comma-separated option (blanks dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _print_whole(*tables: Any) -> None:
    """Tables of figures at their full width: on a terminal as wide as it allows, but
    piped or redirected (where rich assumes 80 columns and cuts figures to "0.2766±.…")
    as wide as their figures need."""
    if out.is_terminal:
        for table in tables:
            out.print(table)
        return
    from rich.measure import Measurement

    for table in tables:
        need = Measurement.get(out, out.options.update(max_width=10_000), table).maximum
        # print(width=) is capped at the console's width: a console as wide as the table
        Console(file=out.file, width=max(out.width, need)).print(table)
    out.print("(`--json` gives every figure to scripts)", style="dim")


def _run(config: PipelineConfig, force: bool, as_json: bool, baselines: bool = False) -> Any:
    from kgrec.cli.progress import RichProgress
    from kgrec.cli.render import counts_table, metrics_table
    from kgrec.pipeline import Pipeline

    progress = RichProgress(err)
    pipeline = Pipeline(config, progress)
    summary = pipeline.run(force=force)
    if not as_json:
        out.print(counts_table(summary.counts))
        chart = summary.work_dir / COUNTS_CHART
        if chart.exists():
            out.print(f"Chart of these counts: {chart}", markup=False, style="dim")
        metrics = summary.metrics
        if baselines:
            from kgrec.evaluation.experiment import score_baselines
            from kgrec.models.fit import progress_steps

            others = score_baselines(pipeline.split_data(), config, progress_steps(progress.track))
            metrics = metrics | {"models": metrics["models"] | others}
        out.print(metrics_table(metrics))
        ours = summary.metrics["models"]["kgrec"]["ndcg@10"]
        out.print(
            f"NDCG@10 on the held-out test split: kgrec {ours:.4f}. `kgrec eval` compares "
            "kgrec, its ablations and the baselines over several seeds.",
            markup=False,
        )
    return summary


@app.command()
def demo(
    work_dir: WorkDirOpt = None,
    store: Annotated[
        str,
        typer.Option(help="'embedded', 'neo4j' ($NEO4J_URI) or a neo4j:// / bolt:// URI."),
    ] = "embedded",
    users: Annotated[int, typer.Option(help="How many users to show.")] = 3,
    k: Annotated[int, typer.Option("--k", "-k", help="Recommendations per user.")] = 5,
    force: Annotated[bool, typer.Option(help="Re-run every stage.")] = False,
) -> None:
    """Build the sample graph, train, and print explained recommendations."""
    from kgrec.api import Recommender
    from kgrec.cli.render import recommendations_table

    own = work_dir is None and store != "embedded"
    if own:  # its own work directory: the default one stays the embedded demo's
        work_dir = kgrec_home() / "sample-neo4j"
    config = PipelineConfig(work_dir=work_dir, store=store)
    summary = _run(config, force, as_json=False, baselines=True)
    rec = Recommender.load(summary.work_dir)
    for user in rec.user_ids()[:users]:
        out.print(recommendations_table(user, rec.recommend(user, k=k)))
    where = f" --work-dir {summary.work_dir}" if own else ""
    query = '"MATCH (u:User)-[r:RECOMMENDED]->(i:Item) RETURN u.key, i.name, r.rank LIMIT 5"'
    hint = (
        f"Work directory: {summary.work_dir}. Next: kgrec recommend{where} --user "
        f"{rec.user_ids()[0]}; kgrec query{where} {query}"
    )
    out.print(hint, markup=False, style="dim")


@app.command()
def run(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline TOML file.")],
    force: Annotated[bool, typer.Option(help="Re-run every stage.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run a pipeline file's stages (skipping those already current)."""
    from kgrec.cli.render import print_json

    summary = _run(load_config(pipeline), force, as_json)
    if as_json:
        print_json(
            out,
            {
                "work_dir": str(summary.work_dir),
                "stages": summary.stages,
                "counts": summary.counts,
                "metrics": {k: v for k, v in summary.metrics.items() if k != "history"},
            },
        )


@app.command()
def refit(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline TOML file.")],
    as_json: JsonOpt = False,
) -> None:
    """Fold the logged feedback into the training data and retrain: likes, clicks and
    good ratings become training interactions (never a held-out pair), users feedback
    created become users; a server started afterwards replays only later events."""
    from kgrec.cli.progress import RichProgress
    from kgrec.cli.render import print_json
    from kgrec.pipeline import Pipeline

    summary = Pipeline(load_config(pipeline), RichProgress(err)).refit()
    if as_json:
        print_json(out, {"work_dir": str(summary.work_dir), "stages": summary.stages})
        return
    ran = [s for s, status in summary.stages.items() if status == "ran"]
    out.print(f"Refitted in {summary.work_dir}: ran {', '.join(ran) or 'nothing'}.", markup=False)


@app.command("eval")
def eval_(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline TOML file.")],
    seeds: Annotated[int, typer.Option(help="Training seeds (0, 1, …) to average over.")] = 3,
    ablations: Annotated[
        bool, typer.Option(help="Also train kgrec without attributes, text, or item filter.")
    ] = True,
    cold_start: Annotated[
        bool, typer.Option(help="Also rank held-out cold items (no interactions) by text.")
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Compare kgrec, its ablations and the baselines on the pipeline's split (test
    metrics, mean ± std over seeds; every setting chosen on valid). Writes eval.json,
    eval_models.png and eval_training.png into the work directory."""
    from kgrec.cli.progress import RichProgress
    from kgrec.cli.render import (
        cold_start_table,
        comparison_table,
        explanations_table,
        print_json,
    )
    from kgrec.evaluation.experiment import compare
    from kgrec.evaluation.plots import save_comparison_chart, save_training_curves
    from kgrec.models.fit import progress_steps
    from kgrec.pipeline import Pipeline

    config = load_config(pipeline)
    progress = RichProgress(err)
    Pipeline(config, progress).run(until="graph")
    result = compare(
        config,
        lambda cfg: Pipeline(cfg, progress).split_data(),
        seeds=range(seeds),
        ablations=ablations,
        steps=progress_steps(progress.track),
        cold=cold_start,
    )
    work = config.resolved_work_dir()
    summary = result.to_json()
    (work / EVAL_FILE).write_text(json.dumps(summary | {"curves": result.curves}, indent=2))
    bars = save_comparison_chart(
        summary["models"], work / EVAL_MODELS_CHART, f"{config.name}: test split"
    )
    curves = save_training_curves(
        result.curves, work / EVAL_TRAINING_CHART, f"{config.name}: training (seed 0 first)"
    )
    if as_json:
        print_json(out, summary)
        return
    tables = [comparison_table(summary)]
    if "cold_start" in summary:
        tables.append(cold_start_table(summary["cold_start"]))
    if "explanations" in summary:
        tables.append(explanations_table(summary["explanations"]))
    _print_whole(*tables)
    out.print(f"Saved {work / EVAL_FILE}, {bars} and {curves}", markup=False, style="dim")


@app.command()
def simulate(
    pipeline: Annotated[
        Path | None, typer.Argument(help="A pipeline TOML file (default: the sample).")
    ] = None,
    policies: Annotated[
        str, typer.Option(help="Comma-separated: static, online, diverse, bandit.")
    ] = "static,online,diverse,bandit",
    users: Annotated[int, typer.Option(min=1, help="Simulated users (drawn per seed).")] = 100,
    rounds: Annotated[int, typer.Option(min=1, help="Rounds (slates) per user at most.")] = 20,
    seeds: Annotated[int, typer.Option(min=1, help="Seeds to average over.")] = 3,
    families: Annotated[
        str, typer.Option(help="Response models: factorisation, neighbours (comma-separated).")
    ] = "factorisation,neighbours",
    k: Annotated[int, typer.Option(min=1, help="Items per slate.")] = 10,
    plot: Annotated[
        Path | None, typer.Option(help="Save cumulative accepts per round as this PNG.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run recommendation policies on simulated users grounded in the pipeline's data
    (their hidden preferences from a response model fitted on all their interactions;
    kgrec refitted on train only) and report accepts, session length, satisfaction,
    diversity, novelty and coverage per policy, with the simulator's validation."""
    from kgrec.cli.progress import RichProgress
    from kgrec.cli.render import print_json, simulation_tables
    from kgrec.config import PipelineConfig
    from kgrec.pipeline import Pipeline
    from kgrec.simulate.plots import save_cumulative
    from kgrec.simulate.run import CHECKED, check_names, run

    names, fams = _listed(policies), _listed(families)
    check_names(names, fams)
    config = load_config(pipeline) if pipeline is not None else PipelineConfig()
    progress = RichProgress(err)
    Pipeline(config, progress).run()
    total = len(fams) * seeds * (len(names) + len(CHECKED) + 1)
    ticks = iter(progress.track(range(total), total, "simulating"))
    next(ticks, None)

    def step(_: str) -> None:
        next(ticks, None)

    result = run(config, names, users, rounds, seeds, fams, k, on_step=step)
    for _ in ticks:  # close the bar
        pass
    if plot is not None:
        save_cumulative(result, plot, f"{config.name}: simulated users, {seeds} seed(s)")
    if as_json:
        print_json(out, result)
        return
    for table in simulation_tables(result):
        out.print(table)
    if plot is not None:
        out.print(f"Saved {plot}", markup=False, style="dim")


@app.command()
def ope(
    pipeline: Annotated[
        Path | None, typer.Argument(help="A pipeline TOML file (default: the sample's work).")
    ] = None,
    targets: Annotated[
        str,
        typer.Option(
            help="Comma-separated target policies: greedy (kgrec's own order), softmax:T "
            "(exploring at temperature T)."
        ),
    ] = "greedy",
    work_dir: WorkDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Estimate what other policies would have got from what an exploring service showed
    (`kgrec serve --explore`): the first position's accept rate by IPS, SNIPS and doubly
    robust estimators, from the slates logged with their propensities and the feedback
    that names them."""
    from kgrec.cli.render import offpolicy_table, print_json
    from kgrec.evaluation.offpolicy import live_log, parse_target, report

    names = _listed(targets)
    for name in names:
        parse_target(name)  # refuse a bad name before reading the logs
    result = report(live_log(_work_dir(work_dir, pipeline)), names)
    if as_json:
        print_json(out, result)
        return
    out.print(offpolicy_table(result))


@app.command()
def profile(
    user: Annotated[str, typer.Option("--user", "-u", help="A user id.")],
    top: Annotated[int, typer.Option(help="How many attributes.")] = 8,
    windows: Annotated[int, typer.Option(help="Time windows over the user's history.")] = 4,
    plot: Annotated[
        Path | None, typer.Option(help="Save a PNG of the shares per time window here.")
    ] = None,
    work_dir: WorkDirOpt = None,
    pipeline: PipelineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A user's top attributes now (recent items weigh more) and how they moved over time."""
    from kgrec.api import Recommender
    from kgrec.cli.render import print_json, profile_table
    from kgrec.reasoning.profile import save_profile_chart

    rec = Recommender.load(_work_dir(work_dir, pipeline))
    prof = rec.profile(user, top=top, windows=windows)
    if plot is not None:
        save_profile_chart(prof, plot)
    if as_json:
        print_json(out, prof.to_dict() | ({"plot": str(plot)} if plot else {}))
        return
    out.print(profile_table(prof))
    if plot is not None:
        out.print(f"Saved {plot}", markup=False, style="dim")


@app.command()
def recommend(
    user: Annotated[str | None, typer.Option("--user", "-u", help="A user id.")] = None,
    text: Annotated[
        str | None, typer.Option(help="Recommend for a sentence instead of a user.")
    ] = None,
    k: Annotated[int, typer.Option("--k", "-k", help="How many (at least 1).", min=1)] = 10,
    work_dir: WorkDirOpt = None,
    pipeline: PipelineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Top-k recommendations with explanations for a user (or for --text)."""
    from kgrec.api import Recommender
    from kgrec.cli.render import print_json, recommendations_table

    if (user is None) == (text is None):
        raise typer.BadParameter('give exactly one of --user ID or --text "..."')
    rec = Recommender.load(_work_dir(work_dir, pipeline))
    recs = rec.recommend(user, k=k) if user is not None else rec.recommend_for_text(text or "", k=k)
    if as_json:
        print_json(out, [r.to_dict() for r in recs])
    else:
        out.print(recommendations_table(user or repr(text), recs))


SearchOpt = Annotated[str, typer.Option(help="Only ids (or titles, words) containing this.")]
LimitOpt = Annotated[int, typer.Option(help="At most this many.", min=1)]


def _listing(kind: str, columns: tuple[str, str], doc: str) -> Callable[..., None]:
    """The `kgrec users` / `kgrec items` command: ``Recommender.search_<kind>``'s rows."""

    def command(
        search: SearchOpt = "",
        limit: LimitOpt = 20,
        work_dir: WorkDirOpt = None,
        pipeline: PipelineOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        from kgrec.api import Recommender

        rec = Recommender.load(_work_dir(work_dir, pipeline))
        found = rec.search_users if kind == "users" else rec.search_items
        _print_rows(found(search, limit), columns, as_json)

    command.__doc__ = doc
    return command


app.command("users")(
    _listing("users", ("user_id", "text"), "The users kgrec knows (ids, then their own words).")
)
app.command("items")(
    _listing("items", ("item_id", "title"), "The items kgrec knows (ids, titles).")
)


def _print_rows(rows: list[dict[str, str]], columns: tuple[str, str], as_json: bool) -> None:
    from kgrec.cli.render import print_json

    if as_json:
        print_json(out, rows)
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*(escape(row[c]) for c in columns))
    out.print(table if rows else "No match.")


@app.command()
def feedback(
    user: Annotated[str, typer.Option("--user", "-u", help="A user id (a new one is created).")],
    item: Annotated[str, typer.Option("--item", "-i", help="An item id.")],
    kind: Annotated[
        str,
        typer.Option(help="like, click, rating (with --value), dislike, skip, or reset (undo)."),
    ] = "like",
    value: Annotated[
        float | None, typer.Option(help="The rating, on the data set's scale.")
    ] = None,
    event_id: Annotated[
        str | None, typer.Option(help="Your id for the event; the same id is applied once.")
    ] = None,
    slate: Annotated[
        str | None,
        typer.Option(help="The id of the explored slate the reaction is to (`kgrec ope`)."),
    ] = None,
    sync: Annotated[
        bool, typer.Option(help="Also write the events to the store as FEEDBACK edges.")
    ] = True,
    work_dir: WorkDirOpt = None,
    pipeline: PipelineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a user's reaction to an item: durable at once, in the next recommendations
    without retraining (`kgrec recommend --user ...`)."""
    from kgrec.api import Recommender
    from kgrec.cli.render import print_json

    rec = Recommender.load(_work_dir(work_dir, pipeline))
    receipt = rec.feedback(user, item, kind, value=value, event_id=event_id, slate_id=slate)
    synced = rec.sync_feedback() if sync else None
    if as_json:
        print_json(out, {"event_id": receipt.event_id, "new": receipt.new, "in_store": synced})
        return
    what = "recorded" if receipt.new else "already recorded (same event id): nothing changed"
    out.print(f"Event {receipt.event_id} {what}.", markup=False)
    if synced is not None:
        out.print(f"{synced} event(s) in the store as FEEDBACK edges.", markup=False)


@app.command()
def explain(
    user: Annotated[str, typer.Option("--user", "-u", help="A user id.")],
    item: Annotated[str, typer.Option("--item", "-i", help="An item id.")],
    png: Annotated[
        Path | None, typer.Option("--png", help="Also save a picture of the paths' subgraph.")
    ] = None,
    work_dir: WorkDirOpt = None,
    pipeline: PipelineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Why an item scores as it does for a user: the paths and what each carries."""
    from kgrec.api import Recommender
    from kgrec.cli.render import explanation_tree, print_json

    result = Recommender.load(_work_dir(work_dir, pipeline)).explain(user, item)
    if png is not None:
        from kgrec.reasoning.picture import save_explanation_png

        if not result.paths:
            raise typer.BadParameter(
                f"user {user!r}, item {item!r}: no explanation path to draw", param_hint="--png"
            )
        title = f"{result.title} for user {user}: score {result.score:.3f}"
        save_explanation_png(result.paths, png, title, result.text)
    if as_json:
        print_json(out, result.to_dict())
    else:
        out.print(explanation_tree(user, result))
        if png is not None:
            out.print(f"Saved {png}", markup=False)


@app.command()
def serve(
    pipeline: Annotated[
        Path | None, typer.Argument(help="A pipeline TOML file (default: the sample's work).")
    ] = None,
    host: Annotated[str, typer.Option(help="Address to bind; 127.0.0.1 keeps it local.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    sync_every: Annotated[
        float,
        typer.Option(
            help="Seconds between writes of new feedback to the store (0: only at start and "
            "stop). Each write opens the embedded store for ~0.1 s, which shows in p99."
        ),
    ] = 30.0,
    torch_threads: Annotated[
        int,
        typer.Option(
            help="torch threads per request: one request is small, and requests run in "
            "parallel threads (1 was faster in bench/serve_http.py)."
        ),
    ] = 1,
    scoring_threads: Annotated[
        int,
        typer.Option(
            min=1,
            help="Requests scored at once (more queue): more threads than cores only fight "
            "over the GIL; for more throughput run more processes (README).",
        ),
    ] = 1,
    refit_events: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Refit in the background once this many events (or item batches) arrived "
            "since the model, and swap the new model in.",
        ),
    ] = None,
    refit_minutes: Annotated[
        float | None,
        typer.Option(help="Refit in the background this often (minutes), when anything arrived."),
    ] = None,
    explore: Annotated[
        float | None,
        typer.Option(
            help="Explore at this temperature (e.g. 0.2): lists are drawn at random around "
            "kgrec's order and logged with their propensities, so `kgrec ope` can evaluate "
            "other policies from what was shown.",
        ),
    ] = None,
    explore_candidates: Annotated[
        int, typer.Option(min=1, help="How many of kgrec's top items exploring draws from.")
    ] = 30,
    work_dir: WorkDirOpt = None,
) -> None:
    """Serve the page (at /) and the HTTP API: recommendations, explanations, feedback,
    new items (OpenAPI at /docs).
    With $KGREC_API_KEY set, writes need it in the X-API-Key header. Feedback is durable
    in the event log at once, and in the store as FEEDBACK edges within --sync-every."""
    import os

    import torch
    import uvicorn

    from kgrec.api import Recommender
    from kgrec.serve import create_app

    torch.set_num_threads(torch_threads)
    rec = Recommender.load(_work_dir(work_dir, pipeline))
    app_ = create_app(
        rec,
        api_key=os.environ.get("KGREC_API_KEY") or None,
        sync_every=sync_every or None,
        refit_events=refit_events,
        refit_minutes=refit_minutes,
        scoring_threads=scoring_threads,
        explore=explore,
        explore_candidates=explore_candidates,
    )
    err.print(
        f"kgrec serving {rec.work_dir}: the page at http://{host}:{port}/ , the API's "
        f"docs at /docs ({len(rec.events)} event(s) replayed)",
        markup=False,
    )
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@app.command("extract-eval")
def extract_eval(
    gold: Annotated[
        Path, typer.Option(help="Folder with mentions.jsonl and merge_pairs.tsv.")
    ] = Path("tests/data/gold"),
    pipeline: Annotated[
        Path | None,
        typer.Option(
            help="Use this pipeline's [extract] settings, and the acts its catalogue holds "
            "(tags may name them)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score extraction on a hand-labelled gold set: mention P/R/F1 per kind, merges."""
    from kgrec.cli.render import extraction_tables, print_json
    from kgrec.errors import DataError
    from kgrec.evaluation.extraction import evaluate_extraction
    from kgrec.extract import Extractor

    if not (gold / "mentions.jsonl").is_file():
        raise DataError(
            f"no gold set at {gold}: pass --gold FOLDER (mentions.jsonl + merge_pairs.tsv)"
        )
    settings = load_config(pipeline) if pipeline else None
    extractor = Extractor.from_config(settings.extract if settings else None)
    if settings:
        from kgrec.data.loaders import load_dataset
        from kgrec.extract.corpus import catalogue_acts

        extractor.know(catalogue_acts(load_dataset(settings.data).items))
    result = evaluate_extraction(extractor, gold)
    if as_json:
        for part in result["mentions"].values():
            part.pop("errors")
        print_json(out, result)
        return
    for table in extraction_tables(result):
        out.print(table)


@app.command()
def export(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline TOML file.", metavar="PIPELINE")],
    out_dir: Annotated[Path, typer.Argument(help="Where to write the files.", metavar="OUT_DIR")],
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="recbole|hopwise|pyg",
            help="Repeat for several (default: all three).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the pipeline's graph and split for RecBole, hopwise or PyG.

    Runs the stages up to the graph first (those already current are skipped).
    RecBole and hopwise get atomic files and a config file, PyG a HeteroData file."""
    from kgrec.cli.progress import RichProgress
    from kgrec.cli.render import print_json
    from kgrec.graph.interop import FORMATS
    from kgrec.graph.interop import export as write_export
    from kgrec.pipeline import Pipeline

    chosen = formats or list(FORMATS)
    for fmt in chosen:
        if fmt not in FORMATS:
            raise typer.BadParameter(
                f"{fmt!r} is not a format: use {', '.join(FORMATS)}", param_hint="--format"
            )
    runner = Pipeline(load_config(pipeline), RichProgress(err))
    runner.run(until="graph")
    inp = runner.export_input()
    written = {fmt: [str(p) for p in write_export(inp, fmt, out_dir)] for fmt in chosen}
    if as_json:
        print_json(out, written)
        return
    for fmt, files in written.items():
        out.print(f"{fmt}: {len(files)} file(s) in {Path(files[0]).parent}", markup=False)
        for f in files:
            out.print(f"  {Path(f).name}", markup=False, style="dim")
    if "recbole" in written:
        folder = Path(written["recbole"][0]).parent
        out.print(
            f"RecBole: run_recbole(model='CKE', dataset='{inp.name}', config_file_list="
            f"['{folder / (inp.name + '.yaml')}'], config_dict={{'data_path': "
            f"'{folder.parent}'}})",
            markup=False,
        )


@app.command()
def vocab(
    pipeline: Annotated[Path, typer.Argument(help="The pipeline TOML file.", metavar="PIPELINE")],
    min_count: Annotated[
        int, typer.Option(help="Only phrases the data uses at least this often.")
    ] = 5,
    limit: Annotated[int, typer.Option(help="Show at most this many (most used first).")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Suggest vocabulary entries from a catalogue's tags and genres, typed by the encoder.

    Every frequent phrase the schema's vocabularies lack gets the attribute kind of its
    nearest vocabulary entries; review the suggestions into graph_schema/schema.yaml."""
    from collections import Counter

    from kgrec.cli.render import print_json
    from kgrec.data.loaders import load_dataset
    from kgrec.extract import TextEncoder
    from kgrec.extract.vocabulary import suggest_vocabulary
    from kgrec.graph.schema import load_schema

    config = load_config(pipeline)
    items = load_dataset(config.data).items
    phrases: Counter[str] = Counter()
    for column in ("tags", "genres"):
        if column in items.columns:
            names = items[column].fillna("").astype(str).str.split("|").explode().str.strip()
            phrases.update(n for n in names if n)
    encoder = TextEncoder.from_pretrained(
        config.extract.encoder_model, config.extract.device, config.extract.encoder_batch_size
    )
    got = suggest_vocabulary(phrases, load_schema(), encoder.encode, min_count=min_count)[:limit]
    if as_json:
        print_json(out, [vars(s) for s in got])
        return
    table = Table(title=f"vocabulary suggestions for {config.name} ({len(got)} shown)")
    for col in ("phrase", "uses", "kind", "confidence", "nearest", "cosine"):
        table.add_column(
            col, justify="right" if col in ("uses", "confidence", "cosine") else "left"
        )
    for s in got:
        table.add_row(
            s.phrase, str(s.count), s.kind, f"{s.confidence:.2f}", s.nearest, f"{s.similarity:.2f}"
        )
    out.print(table)


@app.command()
def query(
    cypher: Annotated[str, typer.Argument(help="A Cypher query.")],
    params: Annotated[str | None, typer.Option(help="Parameters as a JSON object.")] = None,
    write: Annotated[
        bool, typer.Option("--write", help="Allow the query to change the graph.")
    ] = False,
    work_dir: WorkDirOpt = None,
    pipeline: PipelineOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run Cypher on the store the pipeline used (read-only unless --write)."""
    from rich.table import Table

    from kgrec.cli.render import print_json
    from kgrec.store import open_store

    wd = _work_dir(work_dir, pipeline)
    cfg_file = wd / CONFIG_FILE
    uri = (
        PipelineConfig.model_validate_json(cfg_file.read_text()).store
        if cfg_file.exists()
        else "embedded"
    )
    values = _json_object(params, "--params") if params else None
    store = open_store(uri, wd, read_only=not write)
    try:
        rows = store.query(cypher, values, write=write)
    finally:
        store.close()
    if as_json:
        print_json(out, rows)
        return
    table = Table(show_lines=False)
    for col in rows[0] if rows else []:
        table.add_column(escape(col))
    for row in rows:
        table.add_row(
            *(
                escape(
                    json.dumps(v, ensure_ascii=False, default=str)
                    if isinstance(v, dict | list)
                    else str(v)
                )
                for v in row.values()
            )
        )
    out.print(table)
    out.print(f"[dim]{len(rows)} row(s)[/]")


neo4j_app = typer.Typer(
    help="A local Neo4j 5.26 server (from Maven Central, no Docker).", no_args_is_help=True
)
app.add_typer(neo4j_app, name="neo4j")
PortOpt = Annotated[int, typer.Option(help="Bolt port on 127.0.0.1.")]
HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="Server folder (default $KGREC_NEO4J_HOME).")
]


def _server_json(info: Any) -> dict[str, Any]:
    return {
        "running": info is not None,
        **(
            {}
            if info is None
            else {
                "uri": info.uri,
                "pid": info.pid,
                "home": info.home,
                "version": info.version,
                "username": info.username,
            }
        ),
    }


@neo4j_app.command("fetch")
def neo4j_fetch() -> None:
    """Download Neo4j's jars from Maven Central into the cache (once)."""
    from kgrec.store import neo4j_server

    err.print(f"Neo4j jars in {neo4j_server.fetch(quiet=False)}", markup=False)


@neo4j_app.command("start")
def neo4j_start(port: PortOpt = 7687, home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """Start the server (fetching it first if needed) and wait until Bolt answers.

    The password is $NEO4J_PASSWORD, else kgrec's development default (printed)."""
    from kgrec.cli.render import print_json
    from kgrec.store import neo4j_server

    with err.status("starting Neo4j (the first start downloads ~120 MB of jars) ..."):
        info = neo4j_server.start(home, port=port)
    if as_json:
        print_json(out, _server_json(info))
        return
    out.print(
        f"Neo4j {info.version} is up at {info.uri} (pid {info.pid}, home {info.home}).",
        markup=False,
    )
    out.print("Point kgrec at it with:", markup=False)
    for key, value in info.env().items():
        shown = value if key != "NEO4J_PASSWORD" or value == neo4j_server.DEFAULT_PASSWORD else "…"
        out.print(f"  export {key}={shown}", markup=False)


@neo4j_app.command("stop")
def neo4j_stop(home: HomeOpt = None) -> None:
    """Stop the server started by `kgrec neo4j start`."""
    from kgrec.store import neo4j_server

    stopped = neo4j_server.stop(home)
    out.print("Neo4j stopped." if stopped else "No kgrec-started Neo4j was running.")


@neo4j_app.command("status")
def neo4j_status(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """Whether the server is running, and where."""
    from kgrec.cli.render import print_json
    from kgrec.store import neo4j_server

    info = neo4j_server.status(home)
    if as_json:
        print_json(out, _server_json(info))
    elif info is None:
        out.print("Neo4j is not running (start it with `kgrec neo4j start`).", markup=False)
    else:
        out.print(f"Neo4j {info.version} is running at {info.uri} (pid {info.pid}).", markup=False)
    raise typer.Exit(0 if info is not None else 1)


store_app = typer.Typer(
    help="The embedded store's file: move one written by an earlier kgrec across.",
    no_args_is_help=True,
)
app.add_typer(store_app, name="store")


@store_app.command("migrate")
def store_migrate(
    path: Annotated[
        Path,
        typer.Argument(
            help="The Kùzu file (graph.lbug in a pipeline's work directory) or the work "
            "directory that holds it."
        ),
    ],
    python: Annotated[
        str,
        typer.Option(help="A Python with kuzu 0.11.3 installed, if this one has none."),
    ] = sys.executable,
) -> None:
    """Rewrite an embedded graph written by Kùzu (kgrec before LadybugDB) for LadybugDB.

    Everything comes across (graph, recommendations, feedback); the old file is kept
    beside the new one as <name>.kuzu."""
    from kgrec.store import embedded_path
    from kgrec.store.migrate import migrate_kuzu

    target = embedded_path(path) if path.is_dir() else path
    with err.status(f"migrating {target} ..."):
        kept = migrate_kuzu(target, python=python)
    out.print(f"{target} is now a LadybugDB file; the Kùzu original is {kept}.", markup=False)


def _json_object(text: str, option: str) -> dict[str, Any]:
    """``text`` read as a JSON object, or an error naming ``option`` and what to write."""
    from kgrec.errors import ArgumentError

    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArgumentError(
            f"{option} is not valid JSON ({exc.msg} at character {exc.pos}): write an "
            """object with quoted keys and strings, e.g. '{"user": "u05"}'"""
        ) from exc
    if not isinstance(value, dict):
        raise ArgumentError(f'{option} must be a JSON object, e.g. \'{{"user": "u05"}}\'')
    return value


def main() -> None:
    """Entry point: run the app, turning kgrec's errors into a message and exit code 2."""
    import warnings

    from kgrec.errors import DataWarning, KGRecError

    # third-party deprecation chatter (torch.jit in PyG's imports) is not for kgrec's users
    warnings.filterwarnings("ignore", category=FutureWarning)
    shown = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
        if issubclass(category, DataWarning):
            err.print(f"[yellow]warning:[/] {escape(str(message))}")
        else:
            shown(message, category, *args, **kw)

    warnings.showwarning = show
    try:
        app()
    except KGRecError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        sys.exit(2)
