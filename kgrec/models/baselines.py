"""Baselines scored by the same evaluator as kgrec."""

from __future__ import annotations

import numpy as np
import torch

from kgrec.evaluation.ranking import ScoreFn


def popularity_scores(train_pairs: np.ndarray, n_items: int) -> ScoreFn:
    """Every user gets the items ranked by their number of training interactions."""
    counts = torch.as_tensor(np.bincount(train_pairs[:, 1], minlength=n_items), dtype=torch.float32)
    return lambda batch: counts.expand(len(batch), n_items)
