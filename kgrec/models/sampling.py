"""Negative sampling for BPR, shared by kgrec's model and the trained baselines."""

from __future__ import annotations

import torch


def sample_negatives(
    users: torch.Tensor, n_items: int, known: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """One item per user, re-drawn once where it is one of the user's training items."""
    neg = torch.randint(0, n_items, (len(users),), generator=generator)
    clash = torch.isin(users * n_items + neg, known)
    neg[clash] = torch.randint(0, n_items, (int(clash.sum()),), generator=generator)
    return neg
