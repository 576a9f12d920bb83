"""Index arithmetic for ragged segments (rows of a compressed sparse matrix)."""

from __future__ import annotations

import numpy as np
import torch


def segments(starts: torch.Tensor, counts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """For the segments ``[start, start + count)``: the segment of each element and the
    element's flat index, all segments laid end to end."""
    if starts.device.type == "cpu" and counts.device.type == "cpu":
        # numpy's repeat is ~4x faster than torch's at a served request's sizes
        # (tens of segments, thousands of elements), and every explained call does a few
        c = counts.numpy()
        at = np.repeat(np.arange(len(c)), c)
        offset = starts.numpy().astype(np.int64) - (np.cumsum(c) - c)
        return torch.from_numpy(at), torch.from_numpy(offset[at] + np.arange(len(at)))
    total = int(counts.sum())
    seg = torch.repeat_interleave(
        torch.arange(len(counts), device=counts.device), counts, output_size=total
    )
    offset = starts - (torch.cumsum(counts, 0) - counts)
    return seg, offset[seg] + torch.arange(total, device=counts.device)
