"""Callable types shared by the models and the code that evaluates them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import torch

#: Scores a batch of user positions against every item: (B,) -> (B, n_items).
ScoreFn = Callable[[torch.Tensor], torch.Tensor]


class Validate(Protocol):
    """A validation measure of a scorer, higher is better (validation NDCG@10 in kgrec);
    every setting the models choose is chosen by one of these, which the caller supplies
    (``kgrec.evaluation.ranking.valid_ndcg``), so models never import the evaluator."""

    def __call__(self, fn: ScoreFn, users: Sequence[int] | None = None) -> float:
        """The measure of ``fn`` over every valid user, or over ``users`` (positions)."""
        ...
