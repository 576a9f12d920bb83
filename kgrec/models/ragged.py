"""Index arithmetic for ragged segments (rows of a compressed sparse matrix)."""

from __future__ import annotations

import torch


def segments(starts: torch.Tensor, counts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """For the segments ``[start, start + count)``: the segment of each element and the
    element's flat index, all segments laid end to end."""
    seg = torch.repeat_interleave(torch.arange(len(counts)), counts)
    first = torch.cumsum(counts, 0) - counts
    flat = starts[seg] + torch.arange(int(counts.sum())) - first[seg]
    return seg, flat
