"""Rich progress bars for the CLI (written to stderr, so --json output stays clean)."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")


class RichProgress:
    """kgrec.progress.Progress drawn with rich."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def stage(self, name: str, status: str, detail: str = "") -> None:
        """One line per stage event."""
        if status == "run":
            self.console.print(f"[bold cyan]▶ {name}[/]")
        elif status == "skip":
            self.console.print(f"[dim]✓ {name} (current, skipped)[/]")
        elif status == "done":
            self.console.print(f"[green]✓ {name}[/] {detail}")

    def track(
        self, items: Iterable[T], total: int, description: str
    ) -> Generator[T, str | None, None]:
        """A progress bar over ``items``; a reason sent in ends it early, shown."""
        columns = (
            TextColumn("  {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=False) as bar:
            task = bar.add_task(description, total=total)
            for item in items:
                stopped = yield item
                bar.advance(task)
                if stopped:  # the caller stopped early and says why (``send``)
                    bar.update(task, description=f"{description}: {stopped}")
                    return
            bar.update(task, completed=total)
