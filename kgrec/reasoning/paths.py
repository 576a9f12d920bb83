"""Explanation paths and their scores, read off the fusion GNN's exact score decomposition.

With linear propagation (see ``kgrec.models.fusion``) a user's final embedding is
``e_u = α e_u⁰ + Σ_{v∈N(u)} n_uv g_v`` and likewise for the item, so

    s(u, i) = α² e_u⁰·e_i⁰ + α Σ_v n_uv g_v·e_i⁰ + α Σ_w n_iw e_u⁰·g_w + Σ_v Σ_w n_uv n_iw g_v·g_w.

Every term names a neighbour ``v`` of the user and/or ``w`` of the item. A term whose ``v``
and ``w`` are one node is carried by the path u–v–i; one whose ``v`` and ``w`` are linked
is carried by u–v–w–i. Those are the paths reported, each with the exact sum of its
terms as its score, so path scores add up to the part of ``s(u, i)`` that the graph's
short paths carry (``Explanation.path_share``); the rest flows through the nodes' own
embeddings and through longer walks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from kgrec.graph.export import GraphTensors
from kgrec.models.fusion import Propagated
from kgrec.models.ragged import segments


@dataclass(frozen=True)
class PathNode:
    """A node on a path: its label, display name and id."""

    label: str
    name: str
    node_id: str


@dataclass(frozen=True)
class Path:
    """A path in the graph from a user to an item, with the model score it carries.

    ``relationships[k]`` is the type of the edge between ``nodes[k]`` and ``nodes[k+1]``
    (edges may point either way in the stored graph, e.g. Item-[:HAS_GENRE]->Genre).
    """

    nodes: tuple[PathNode, ...]
    relationships: tuple[str, ...]
    score: float

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "nodes": [{"label": n.label, "name": n.name, "node_id": n.node_id} for n in self.nodes],
            "relationships": list(self.relationships),
            "score": self.score,
        }


@dataclass
class Explanation:
    """A score and the paths that carry it."""

    score: float
    paths: list[Path] = field(default_factory=list)
    path_share: float = 0.0  # share of the score carried by all short paths (not only the top)


@dataclass(frozen=True)
class Neighbourhood:
    """A (possibly virtual) user's input embedding and weighted neighbours."""

    node: PathNode
    ego: torch.Tensor
    neighbours: torch.Tensor
    norms: torch.Tensor
    rel_types: torch.Tensor


class PathScorer:
    """Finds and scores the 2- and 3-hop paths between users and items."""

    def __init__(self, gt: GraphTensors, prop: Propagated, num_layers: int) -> None:
        self.gt, self.prop = gt, prop
        self.alpha = 1.0 / (num_layers + 1)
        n = gt.num_nodes
        src, dst = gt.edge_index
        order = torch.argsort(src * n + dst)
        self.src, self.dst = src[order], dst[order]
        self.norm = prop.norm.detach()[order]
        self.rel = gt.edge_type[order]
        self.keys = self.src * n + self.dst
        self.offsets = torch.searchsorted(self.src, torch.arange(n + 1))
        self.index = {node_id: k for k, node_id in enumerate(gt.node_ids)}
        self.is_user = torch.as_tensor(gt.labels == "User")

    def node(self, index: int) -> PathNode:
        """The PathNode of a node index."""
        return PathNode(str(self.gt.labels[index]), self.gt.names[index], self.gt.node_ids[index])

    def neighbourhood(self, index: int) -> Neighbourhood:
        """A graph node's own neighbourhood."""
        lo, hi = int(self.offsets[index]), int(self.offsets[index + 1])
        return Neighbourhood(
            self.node(index),
            self.prop.ego[index].detach(),
            self.dst[lo:hi],
            self.norm[lo:hi],
            self.rel[lo:hi],
        )

    def _edges(self, keys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Whether each ``src * num_nodes + dst`` key is an edge, and where it is in
        ``self.dst`` where it is (binary search in the sorted keys)."""
        pos = torch.searchsorted(self.keys, keys).clamp(max=max(len(self.keys) - 1, 0))
        return self.keys[pos] == keys, pos

    def _rel_between(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        pos = torch.searchsorted(self.keys, a * self.gt.num_nodes + b)
        return self.rel[pos.clamp(max=len(self.rel) - 1)]

    @torch.inference_mode()
    def explain(
        self, user: Neighbourhood, item: int, top: int = 5, user_final: torch.Tensor | None = None
    ) -> Explanation:
        """Score ``item`` for ``user`` and return its ``top`` paths by carried score."""
        g, a = self.prop.sent.detach(), self.alpha
        self_idx = self.index.get(user.node.node_id, -1)
        e_u = user_final if user_final is not None else self.prop.final[self_idx]
        score = float(e_u @ self.prop.final[item])
        it = self.neighbourhood(item)
        keep_u = user.neighbours != item
        nu, wu, ru = user.neighbours[keep_u], user.norms[keep_u], user.rel_types[keep_u]
        keep_i = it.neighbours != self_idx
        ni, wi, ri = it.neighbours[keep_i], it.norms[keep_i], it.rel_types[keep_i]
        if len(nu) == 0 or len(ni) == 0:
            return Explanation(score)
        pair = (wu[:, None] * wi[None, :]) * (g[nu] @ g[ni].T)
        same = nu[:, None] == ni[None, :]
        linked = self._edges(nu[:, None] * self.gt.num_nodes + ni[None, :])[0] & ~same
        # every candidate path's carried score at once; Python only touches the top few
        sr, sc = same.nonzero(as_tuple=True)
        sv = nu[sr]
        same_score = (
            pair[sr, sc]
            + a * wu[sr] * (g[sv] @ self.prop.ego[item])
            + a * wi[sc] * (g[sv] @ user.ego)
        )
        lr, lc = linked.nonzero(as_tuple=True)
        scores = torch.cat([same_score, pair[lr, lc]])
        total = float(scores.sum())
        best = torch.topk(scores, min(top, len(scores))).indices.tolist()
        paths = []
        for k in best:
            if k < len(sr):
                r, c = int(sr[k]), int(sc[k])
                via: tuple[int, ...] = (int(nu[r]),)
                rels: tuple[int, ...] = (int(ru[r]), int(ri[c]))
            else:
                r, c = int(lr[k - len(sr)]), int(lc[k - len(sr)])
                mid = int(self._rel_between(nu[r : r + 1], ni[c : c + 1])[0])
                via, rels = (int(nu[r]), int(ni[c])), (int(ru[r]), mid, int(ri[c]))
            paths.append(
                Path(
                    nodes=(user.node, *(self.node(v) for v in via), self.node(item)),
                    relationships=tuple(self.gt.relations[x] for x in rels),
                    score=float(scores[k]),
                )
            )
        return Explanation(score, paths, total / score if score else 0.0)

    def _links(self, liked: torch.Tensor, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """For each pair (``liked[p]``, ``items[p]``) of item nodes, the strongest graph
        link between them: a shared attribute, else a user who had both. Returns per pair
        the edge positions (in ``self.dst``) liked → shared node and item → shared node,
        -1 where the two share no neighbour — every pair in one pass over the liked
        items' edges."""
        lo, hi = self.offsets[liked], self.offsets[liked + 1]
        owner, flat = segments(lo, hi - lo)
        via = self.dst[flat]
        hit, at = self._edges(items[owner] * self.gt.num_nodes + via)
        owner, flat, at, via = owner[hit], flat[hit], at[hit], via[hit]
        # attributes first, then the pair of edges with the largest product of norms
        strength = self.norm[flat] * self.norm[at] - self.is_user[via].float()
        n = len(liked)
        best = torch.full((n,), -torch.inf).scatter_reduce(0, owner, strength, "amax")
        win = strength == best[owner]
        # of equal winners the first shared node by index, so the choice is deterministic
        none = len(self.dst)
        mine = torch.full((n,), none).scatter_reduce(0, owner[win], flat[win], "amin")
        theirs = torch.full((n,), none).scatter_reduce(0, owner[win], at[win], "amin")
        mine[mine == none], theirs[theirs == none] = -1, -1
        return mine, theirs

    def explain_filter(
        self,
        user: PathNode,
        items: torch.Tensor,
        of: torch.Tensor,
        liked: torch.Tensor,
        terms: torch.Tensor,
        top: int = 5,
    ) -> list[Explanation]:
        """The item filter's part of the scores of ``items`` (node indices) for one user:
        term ``t`` is liked item ``liked[t]``'s share of the score of ``items[of[t]]``;
        each is shown as the graph path user–liked item–shared attribute (or fellow
        user)–item. Terms whose items share no neighbour (text similarity alone), and
        terms beyond each item's strongest ``10 * top`` (at least 50), count in the score
        but have no path. One explanation per item, all items in one vectorised pass."""
        k = len(items)
        score = torch.zeros(k).index_add_(0, of, terms)
        # each item's strongest terms only: by item, then by descending term
        order = torch.argsort(terms, descending=True, stable=True)
        order = order[torch.argsort(of[order], stable=True)]
        order = order[_rank_within(of[order], k) < max(10 * top, 50)]
        mine, theirs = self._links(liked[order], items[of[order]])
        linked = mine >= 0
        order, mine, theirs = order[linked], mine[linked], theirs[linked]
        carried = torch.zeros(k).index_add_(0, of[order], terms[order])
        shown = _rank_within(of[order], k) < top
        interacted = self.gt.relations.index("INTERACTED")
        paths: list[list[Path]] = [[] for _ in range(k)]
        for t, m, e in zip(
            order[shown].tolist(), mine[shown].tolist(), theirs[shown].tolist(), strict=True
        ):
            item = int(items[of[t]])
            paths[int(of[t])].append(
                Path(
                    nodes=(
                        user,
                        self.node(int(liked[t])),
                        self.node(int(self.dst[m])),
                        self.node(item),
                    ),
                    relationships=tuple(
                        self.gt.relations[x]
                        for x in (interacted, int(self.rel[m]), int(self.rel[e]))
                    ),
                    score=float(terms[t]),
                )
            )
        return [
            Explanation(float(s), p, float(c) / float(s) if s else 0.0)
            for s, p, c in zip(score, paths, carried, strict=True)
        ]


def _rank_within(groups: torch.Tensor, n_groups: int) -> torch.Tensor:
    """Each element's position within its run, for ``groups`` sorted ascending."""
    counts = torch.bincount(groups, minlength=n_groups)
    first = torch.cumsum(counts, 0) - counts
    return torch.arange(len(groups)) - first[groups]


def paths_from_json(rows: list[dict[str, Any]]) -> list[Path]:
    """Inverse of ``[p.to_dict() for p in paths]``."""
    return [
        Path(
            tuple(PathNode(n["label"], n["name"], n["node_id"]) for n in r["nodes"]),
            tuple(r["relationships"]),
            float(r["score"]),
        )
        for r in rows
    ]
