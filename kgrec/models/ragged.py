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
        at, flat = segments_np(starts.numpy(), counts.numpy())
        return torch.from_numpy(at), torch.from_numpy(flat)
    total = int(counts.sum())
    seg = torch.repeat_interleave(
        torch.arange(len(counts), device=counts.device), counts, output_size=total
    )
    offset = starts - (torch.cumsum(counts, 0) - counts)
    return seg, offset[seg] + torch.arange(total, device=counts.device)


def segments_np(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`segments` of numpy arrays."""
    at = np.repeat(np.arange(len(counts)), counts)
    offset = starts.astype(np.int64) - (np.cumsum(counts) - counts)
    return at, offset[at] + np.arange(len(at))
