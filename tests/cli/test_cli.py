"""The command line's handling of bad arguments and of text that looks like markup."""

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from kgrec.cli.app import app, main
from kgrec.cli.render import explanation_tree, recommendations_table
from kgrec.errors import ArgumentError
from kgrec.pipeline import RunSummary
from kgrec.reasoning.paths import Path as GraphPath
from kgrec.reasoning.paths import PathNode
from kgrec.reasoning.picture import save_explanation_png
from kgrec.reasoning.ranker import Recommendation

runner = CliRunner()


def test_k_below_one_is_a_one_line_usage_error(sample_run: RunSummary) -> None:
    res = runner.invoke(app, ["recommend", "--user", "u05", "-k", "0"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "-k" in res.output and "greater than or equal to 1" in res.output


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The `kgrec` entry point as a shell runs it: exit code and stderr, one line."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", ["kgrec", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
    code = exit_.value.code
    return code if isinstance(code, int) else 0, " ".join(capsys.readouterr().err.split())


def test_params_that_are_not_json_say_how_to_write_them(
    sample_run: RunSummary, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "MATCH (u:User {key: $user}) RETURN u.key"
    code, err = _main(["query", query, "--params", "{user: u05}"], capsys)
    assert code == 2 and "Traceback" not in err
    assert "[ARGUMENT] --params is not valid JSON" in err and '{"user": "u05"}' in err
    code, err = _main(["query", "RETURN 1 AS one", "--params", "[1]"], capsys)
    assert code == 2 and "must be a JSON object" in err
    res = runner.invoke(
        app,
        [
            "query",
            "MATCH (u:User {key: $u}) RETURN u.key AS k",
            "--params",
            '{"u": "u05"}',
            "--json",
        ],
    )
    assert json.loads(res.stdout) == [{"k": "u05"}]


def test_error_hints_keep_their_brackets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "ml.toml"
    toml.write_text('name = "ml"\n[data]\nsource = "movielens"\npath = "ml-latest-small"\n')
    monkeypatch.delenv("KGREC_DATA_DIR", raising=False)
    code, err = _main(["run", str(toml)], capsys)
    assert code == 2
    assert "[CONFIG]" in err and "(or [data] data_dir)" in err


def test_run_without_popularity_among_the_baselines(sample_run: RunSummary, tmp_path: Path) -> None:
    """Once a `KeyError: 'popularity'`; [eval] settings also leave every stage current."""
    toml = tmp_path / "sample.toml"
    toml.write_text(f'work_dir = "{sample_run.work_dir}"\n[eval]\nbaselines = ["ease"]\n')
    res = runner.invoke(app, ["run", str(toml), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out["stages"].values()) == {"skipped (current)"}
    assert set(out["metrics"]["models"]) == {"kgrec"}


def _rendered(renderable: object) -> str:
    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


def test_titles_and_sentences_with_brackets_print_literally() -> None:
    node = PathNode("Item", "[bold]Heat[/]", "Item:[x]")
    path = GraphPath((PathNode("User", "u[1]", "User:u1"), node), ("INTERACTED",), 1.0)
    rec = Recommendation("[x]", "Salt [and] Pepper", 1.5, 1, "Because you liked [Heat].", [path])
    table = _rendered(recommendations_table("u[1]", [rec]))
    assert "Salt [and] Pepper" in table and "([x])" in table and "[Heat]" in table
    tree = _rendered(explanation_tree("u[1]", rec))
    assert "Salt [and] Pepper" in tree and "[bold]Heat[/]" in tree


def test_a_picture_of_no_paths_is_a_kgrec_error(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="no path to draw"):
        save_explanation_png([], tmp_path / "x.png", "title")


@pytest.mark.neo4j
def test_the_neo4j_demo_keeps_its_own_work_directory(
    sample_run: RunSummary,
    neo4j_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`kgrec demo --store neo4j` leaves the default (embedded) demo's work directory to
    it, so plain `kgrec query` still reads the embedded sample afterwards."""
    home = tmp_path / "home"
    monkeypatch.setenv("KGREC_HOME", str(home))
    # the session's embedded run, copied: only the store and recommend stages run
    shutil.copytree(sample_run.work_dir, home / "sample-neo4j")
    got = runner.invoke(app, ["demo", "--store", "neo4j", "--users", "1", "-k", "2"])
    assert got.exit_code == 0, got.output
    assert not (home / "sample").exists()
    assert f"--work-dir {home / 'sample-neo4j'}" in " ".join(got.output.split())


def test_progress_bars_end_at_their_total_or_say_why_they_stopped() -> None:
    from kgrec.cli.progress import RichProgress
    from kgrec.models.fit import progress_steps

    console = Console(file=io.StringIO(), width=160)
    steps = progress_steps(RichProgress(console).track)
    full = steps(3, "three epochs")
    for epoch in (1, 2, 3):
        full(epoch, 0.5, None, None)
    early = steps(10, "ten epochs")
    early(1, 0.5, None, None)
    early(2, 0.5, 0.1, "stopped at epoch 2, best 1: no gain in 1 checks")
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "3/3" in shown and "2/3" not in shown
    assert "ten epochs: stopped at epoch 2, best 1: no gain" in shown and "2/10" in shown


def test_training_says_where_and_why_it_stopped_early() -> None:
    from kgrec.config import ModelConfig
    from kgrec.models.train import train_fusion
    from kgrec.testing.synthetic import synthetic_graph

    gt, train, _ = synthetic_graph(40, 30, attributes=4, per_user=6, seed=2)
    calls: list[tuple[int, str | None]] = []
    config = ModelConfig(dim=8, epochs=40, batch_size=64, eval_every=1, patience=1)
    result = train_fusion(
        gt,
        train,
        config,
        lambda fn, users=None: 0.5,  # never a gain after the first check
        progress=lambda epoch, loss, valid, why: calls.append((epoch, why)),
    )
    assert result.best_epoch == 1
    assert calls[-1] == (2, "stopped at epoch 2, best 1: no gain in 1 checks")
    assert all(why is None for _, why in calls[:-1])


def test_users_and_items_are_listed_and_an_unknown_id_points_to_them(
    sample_run: RunSummary, capsys: pytest.CaptureFixture[str]
) -> None:
    work = ["--work-dir", str(sample_run.work_dir)]
    res = runner.invoke(app, ["users", *work, "--search", "u0", "--json"])
    users = [r["user_id"] for r in json.loads(res.output)]
    assert users[:2] == ["u01", "u02"] and all("u0" in u for u in users)
    res = runner.invoke(app, ["items", *work, "--search", "HARBOR", "--limit", "2", "--json"])
    titles = [r["title"] for r in json.loads(res.output)]
    assert len(titles) == 2 and all("harbor" in t.lower() for t in titles)
    code, err = _main(["recommend", *work, "--user", "nobody", "--k", "2"], capsys)
    assert code == 2 and "unknown user id 'nobody'" in err and "kgrec users --search nobody" in err


def test_vocab_suggests_typed_entries_from_a_catalogues_tags(tmp_path: Path) -> None:
    (tmp_path / "inter.csv").write_text("user_id,item_id\nu1,a\nu1,b\nu2,c\n")
    (tmp_path / "items.csv").write_text(
        "item_id,title,tags\n"
        "a,A,technical death metal|sci-fi\n"
        "b,B,technical death metal|seen live\n"
        "c,C,technical death metal|seen live\n"
    )
    toml = tmp_path / "p.toml"
    toml.write_text(
        'name = "tags"\n[data]\nsource = "csv"\n'
        f'interactions = "{tmp_path / "inter.csv"}"\nitems = "{tmp_path / "items.csv"}"\n'
    )
    res = runner.invoke(app, ["vocab", str(toml), "--min-count", "2", "--json"])
    assert res.exit_code == 0, res.output
    got = {s["phrase"]: s for s in json.loads(res.stdout)}
    assert set(got) == {"technical death metal", "seen live"}  # sci-fi is known, once is rare
    assert got["technical death metal"]["kind"] == "Genre"
    assert got["technical death metal"]["count"] == 3


def _commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if hasattr(group, "commands"):  # a group (Typer carries its own copy of click)
        for name, sub in group.commands.items():
            found += _commands(sub, (*path, name))
    return found


def test_flags_in_help_take_no_value() -> None:
    """`--json` and the other flags read as flags in every command's help, not `<bool>`."""
    import typer.main

    runner = CliRunner()
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 20
    for command in commands:
        shown = runner.invoke(app, [*command, "--help"], terminal_width=200)
        assert shown.exit_code == 0, command
        assert "<bool>" not in shown.output, command
    assert "--json " in runner.invoke(app, ["recommend", "--help"], terminal_width=200).output


def test_wide_tables_piped_keep_every_figure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped, rich assumes 80 columns and cut `kgrec eval`'s figures to "0.2766±.…"."""
    from rich.table import Table

    import kgrec.cli.app as cli

    piped = io.StringIO()
    monkeypatch.setattr(cli, "out", Console(file=piped, width=80))
    table = Table()
    for col in ["model", *(f"metric {k}@10" for k in range(8))]:
        table.add_column(col, no_wrap=True)
    table.add_row("kgrec-no-organization", *["0.2766±.0012"] * 8)
    cli._print_whole(table)
    shown = piped.getvalue()
    assert shown.count("0.2766±.0012") == 8 and "…" not in shown
    assert "kgrec-no-organization" in shown and "--json" in shown
