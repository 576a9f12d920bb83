"""Early stopping on a validation score, shared by kgrec's model and the trained baselines."""

from __future__ import annotations

import copy
from typing import Any

from torch import nn


class EarlyStopping:
    """Keeps the best state seen; says to stop after ``patience`` checks without gain."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.best = -1.0
        self.best_epoch = 0
        self.since = 0
        self.state: dict[str, Any] | None = None

    def update(self, epoch: int, score: float, model: nn.Module) -> None:
        """Record one validation check."""
        if score > self.best:
            self.best, self.best_epoch, self.since = score, epoch, 0
            self.state = copy.deepcopy(model.state_dict())
        else:
            self.since += 1

    @property
    def stop(self) -> bool:
        """Whether ``patience`` checks in a row brought no gain."""
        return self.since >= self.patience

    def restore(self, model: nn.Module) -> None:
        """Load the best state into ``model`` (if any check was made)."""
        if self.state is not None:
            model.load_state_dict(self.state)
