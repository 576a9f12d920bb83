"""Every code block of the README and docs/ is run or checked by a test.

- Cypher blocks: tests/store/test_cypher_docs.py runs each on the stores it names.
- Python blocks of the README: run here, in order, on a copy of the sample's work
  directory, after the README's own `kgrec export` (its PyG block reads the export).
- Shell blocks: every `kgrec …` command is parsed by kgrec's real command line (a
  subcommand or option that no longer exists fails), and every `bench/*.py` command's
  options are checked against the script's own `--help`. Commands that need Docker, the
  network or the shared data sets are parsed, not run.
"""

import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from kgrec.cli.app import app
from kgrec.pipeline import RunSummary

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for k, block in enumerate(re.findall(rf"```{language}\n(.*?)```", doc.read_text(), re.S)):
            found.append((f"{doc.name}:{language}{k + 1}", block))
    return found


def _commands() -> list[tuple[str, list[str]]]:
    """Each shell command of the docs as words (continuations joined, comments and
    leading VAR=value assignments dropped; `a && b` is two commands)."""
    out = []
    for name, block in _blocks("bash"):
        pending = ""
        for line in block.replace("\\\n", " ").splitlines():
            pending += line.replace("[--json]", "--json") + "\n"
            try:  # a quoted argument may go on over lines
                words = shlex.split(pending, comments=True)
            except ValueError:
                continue
            pending = ""
            while words:
                cut = words.index("&&") if "&&" in words else len(words)
                command, words = words[:cut], words[cut + 1 :]
                while command and re.fullmatch(r"[A-Z_]+=\S*", command[0]):
                    command = command[1:]
                if command:
                    out.append((name, command))
    return out


COMMANDS = _commands()


def _kgrec_args(command: list[str]) -> list[str] | None:
    """The arguments of a kgrec command (also inside `docker compose run … kgrec`)."""
    if Path(command[0]).name == "kgrec":
        return command[1:]
    if command[:3] == ["docker", "compose", "run"] and "kgrec" in command:
        return command[command.index("kgrec") + 1 :]
    return None


def _bench_script(command: list[str]) -> tuple[Path, list[str]] | None:
    """The script and arguments of a `python bench/x.py …` command (also after
    `cd bench`)."""
    if not command or Path(command[0]).name not in ("python", "python3"):
        return None
    if len(command) < 2 or not command[1].endswith(".py"):
        return None
    script = ROOT / "bench" / Path(command[1]).name
    return (script, command[2:]) if script.exists() else None


def test_the_docs_have_commands_of_every_kind() -> None:
    assert sum(_kgrec_args(c) is not None for _, c in COMMANDS) >= 30
    assert sum(_bench_script(c) is not None for _, c in COMMANDS) >= 20


@pytest.mark.parametrize(
    ("where", "args"),
    [(n, a) for n, c in COMMANDS if (a := _kgrec_args(c)) is not None],
    ids=lambda v: v if isinstance(v, str) else " ".join(v)[:60],
)
def test_kgrec_commands_in_the_docs_parse(where: str, args: list[str]) -> None:
    """The command line resolves the subcommand and parses every option and argument
    (types included) without running anything."""
    command = typer.main.get_command(app)
    ctx = command.make_context("kgrec", list(args))
    while hasattr(command, "commands"):
        words = [*getattr(ctx, "_protected_args", getattr(ctx, "protected_args", [])), *ctx.args]
        name, command, rest = command.resolve_command(ctx, words)  # type: ignore[attr-defined]
        assert command is not None, f"{where}: no command {words[:1]}"
        ctx = command.make_context(name, rest, parent=ctx)


@cache
def _help(script: Path, sub: str = "") -> str:
    done = subprocess.run(
        [sys.executable, str(script), *([sub] if sub else []), "--help"],
        capture_output=True,
        text=True,
        cwd=script.parent,
        timeout=300,
    )
    assert done.returncode == 0, f"{script.name} {sub} --help: {done.stderr[-500:]}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "script", "args"),
    [(n, *s) for n, c in COMMANDS if (s := _bench_script(c)) is not None],
    ids=lambda v: v.name if isinstance(v, Path) else (v if isinstance(v, str) else ""),
)
def test_bench_commands_in_the_docs_name_real_options(
    where: str, script: Path, args: list[str]
) -> None:
    text = _help(script)
    if args and not args[0].startswith("-") and re.search(rf"\{{[^}}]*\b{args[0]}\b", text):
        text += _help(script, args[0])  # a subcommand's own options
    for word in args:
        if word.startswith("--"):
            option = word.split("=", 1)[0]
            assert re.search(rf"{re.escape(option)}\b", text), f"{where}: {script.name} {option}"


def test_readme_python_blocks_run(
    sample_run: RunSummary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_run.work_dir, home / sample_run.work_dir.name)
    (tmp_path / "pipelines").symlink_to(ROOT / "pipelines")
    monkeypatch.setenv("KGREC_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    exported = CliRunner().invoke(app, ["export", "pipelines/sample.toml", "exported"])
    assert exported.exit_code == 0, exported.output
    blocks = [(n, b) for n, b in _blocks("python") if n.startswith("README")]
    assert len(blocks) >= 3
    for name, block in blocks:
        try:
            exec(compile(block, name, "exec"), {"__name__": "__readme__"})
        except Exception as exc:  # the block's name in the failure
            raise AssertionError(f"{name} failed: {exc!r}") from exc
