r"""Neighbour sampling for mini-batch training on graphs too large to propagate whole.

For each batch, the nodes whose embeddings the loss needs (the seeds) are expanded hop
by hop, GraphSAGE-style: a node with at most ``fanout`` neighbours keeps them all; a
node with more draws ``fanout`` of them uniformly with replacement, and each drawn
edge's weight is multiplied by :math:`d_v / \text{fanout}`, so the sampled sum is an
unbiased estimate of the full one:

.. math::  \mathbb{E}\Big[\tfrac{d_v}{k} \sum_{t=1}^{k} n_{v w_t} x_{w_t}\Big]
           = \sum_{w \in N(v)} n_{vw} x_w

Propagating L layers over the sampled subgraph then gives the seeds' L-layer
embeddings (their own nodes exactly when every fanout is at least the degrees met).
The edge norms :math:`n_{vw}` still come from the full graph's degrees.

PyG's ``LinkNeighborLoader`` does the same sampling but needs ``pyg-lib`` or
``torch-sparse``, neither of which has wheels on PyPI; this is plain torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from kgrec.models.ragged import segments


@dataclass
class Block:
    """A sampled subgraph: its nodes (global ids, seeds first) and edges (local ids)."""

    nodes: torch.Tensor  # (n,) global node ids
    edge_index: torch.Tensor  # (2, e) local source, local target
    edge_id: torch.Tensor  # (e,) the full graph's edge ids
    scale: torch.Tensor  # (e,) d_v / draws for the target v (1 where all were kept)
    position: torch.Tensor  # (len(seeds),) local id of each seed as given

    def to(self, device: torch.device) -> Block:
        """The same block on ``device``."""
        return Block(
            self.nodes.to(device),
            self.edge_index.to(device),
            self.edge_id.to(device),
            self.scale.to(device),
            self.position.to(device),
        )


class NeighbourSampler:
    """Samples :class:`Block` s from a graph given as ``edge_index`` (source, target)."""

    def __init__(self, edge_index: torch.Tensor, num_nodes: int, fanouts: Sequence[int]) -> None:
        self.fanouts = list(fanouts)
        self.num_nodes = num_nodes
        # incoming edges of each target, contiguous: messages flow source -> target
        self._order = torch.argsort(edge_index[1], stable=True)
        self._source = edge_index[0][self._order]
        degree = torch.bincount(edge_index[1], minlength=num_nodes)
        self._rowptr = torch.zeros(num_nodes + 1, dtype=torch.long)
        self._rowptr[1:] = torch.cumsum(degree, 0)
        self._local = torch.full((num_nodes,), -1, dtype=torch.long)

    def sample(self, seeds: torch.Tensor, generator: torch.Generator | None = None) -> Block:
        """The subgraph of ``seeds`` and their sampled neighbourhoods, one hop per fanout."""
        frontier, position = torch.unique(seeds, return_inverse=True)
        nodes = [frontier]
        self._local[frontier] = torch.arange(len(frontier))
        count = len(frontier)
        src: list[torch.Tensor] = []
        dst: list[torch.Tensor] = []
        eid: list[torch.Tensor] = []
        scale: list[torch.Tensor] = []
        for fanout in self.fanouts:
            if not len(frontier):
                break
            starts = self._rowptr[frontier]
            degree = self._rowptr[frontier + 1] - starts
            few = degree <= fanout
            # every incoming edge of a node with few of them
            seg, flat = segments(starts[few], degree[few])
            targets = [frontier[few][seg]]
            picked = [flat]
            scale.append(torch.ones(len(flat)))
            # `fanout` draws with replacement for the rest, weighted d / fanout
            many = ~few
            if bool(many.any()):
                draws = torch.rand(int(many.sum()), fanout, generator=generator)
                at = starts[many, None] + (draws * degree[many, None]).long()
                targets.append(frontier[many].repeat_interleave(fanout))
                picked.append(at.reshape(-1))
                scale.append((degree[many].float() / fanout).repeat_interleave(fanout))
            target = torch.cat(targets)
            flat = torch.cat(picked)
            source = self._source[flat]
            new = torch.unique(source[self._local[source] < 0])
            self._local[new] = torch.arange(count, count + len(new))
            count += len(new)
            nodes.append(new)
            src.append(self._local[source])
            dst.append(self._local[target])
            eid.append(self._order[flat])
            frontier = new
        all_nodes = torch.cat(nodes)
        self._local[all_nodes] = -1  # ready for the next batch
        empty = torch.zeros(0, dtype=torch.long)
        return Block(
            nodes=all_nodes,
            edge_index=torch.stack([torch.cat(src or [empty]), torch.cat(dst or [empty])]),
            edge_id=torch.cat(eid or [empty]),
            scale=torch.cat(scale or [torch.zeros(0)]),
            position=position,
        )
