"""Explanation paths: the terms of a model's score, each shown as a graph path.

The terms come from ``kgrec.models.scorer.Scorer.terms`` (this module computes no score).
Both parts of kgrec's score are sums over the user's edges, exactly:

* the item filter's ``Σ_j x_uj B_ji`` has one term per item ``j`` the user had;
* the fusion GNN's ``e_u · e_i`` with ``e_u = α e_u⁰ + Σ_{v∈N(u)} n_uv g_v`` (linear
  propagation, ``kgrec.models.fusion``; ``g_v`` is what ``v`` sends over all layers) has one
  term ``n_uv g_v · e_i`` per neighbour ``v`` of the user (items they had, attributes they
  said they like, friends) and a rest ``α e_u⁰ · e_i`` from the user's own embedding.

A term is shown as the path from the user over the edge it belongs to, then the
strongest link from that neighbour to the item: u–v–a–i through an attribute ``a`` both
have (else a fellow user), or u–v–i where ``v`` is linked to the item itself. A path's
score is its term (a liked item's filter and GNN terms together), so path scores add up
to the part of the score that linked neighbours carry (``Explanation.path_share``).

Of the attributes a liked item shares with the item, the path names the one whose two
links carry the most of the score: deleting them would lower it most, to first order
(``Scorer.link_effects``: the filter refitted without them, the GNN without their
messages). ``kgrec.evaluation.explanations`` checks the name by an exact refit
(attribute fidelity). Naming by the GNN's edge norms instead picked, in effect, the
rarest shared attribute, whatever the score made of it.

Why the user's edges and not the walks: deleting the path's first edge removes its term
from the score — exactly for the filter, and for the GNN to first order (the neighbour
norms and the item's side held fixed) — so the path with the largest score is the one
whose deletion costs the most (deletion fidelity, ``kgrec.evaluation.explanations``). A
walk-by-walk split of the GNN (``n_uv n_iw g_v·g_w`` per pair of neighbours) is also
exact, but deleting an edge removes every walk through it, and there the top walk was
often not the costliest deletion (fidelity 0.58 on the sample). The approximation is in
the deletion, not in the scores: they add up exactly (tests check both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import torch

from kgrec.graph.export import GraphTensors
from kgrec.graph.text_links import SIMILAR_TEXT
from kgrec.models.ragged import segments_np
from kgrec.models.scorer import AttributeLinks

#: How much of a score each (scored item, liked item, shared attribute) link carries
#: (``kgrec.models.scorer.Scorer.link_effects``, negated): what names a path's attribute.
LinkStrength = Callable[[AttributeLinks], torch.Tensor]


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


class PathScorer:
    """Shows the terms of a score as graph paths from the user to the item.

    Its index arithmetic runs in numpy: an explained request does a few dozen operations
    on arrays of hundreds to thousands of elements, where torch's per-call overhead (up
    to ~10 µs an index) was most of the time."""

    def __init__(self, gt: GraphTensors, norm: torch.Tensor, relations: list[str]) -> None:
        """``norm``: the model's norm of each edge of ``gt.edge_index``; ``relations``:
        names of the relationship positions terms use (``kgrec.models.scorer.Scorer``)."""
        self.gt, self.relations = gt, relations
        n = gt.num_nodes
        # the text links join the propagated edges here, with norm 0: evidence only
        links = gt.text_links.numpy()
        src = np.concatenate([gt.edge_index[0].numpy(), links[0]]).astype(np.int64)
        dst = np.concatenate([gt.edge_index[1].numpy(), links[1]]).astype(np.int64)
        norm_np = norm.detach().cpu().numpy().astype(np.float32)
        norms = np.concatenate([norm_np, np.zeros(links.shape[1], dtype=np.float32)])
        text = relations.index(SIMILAR_TEXT)
        rel = np.concatenate([gt.edge_type.numpy(), np.full(links.shape[1], text)])
        order = np.argsort(src * n + dst, kind="stable")
        self.src, self.dst, self.norm = src[order], dst[order], norms[order]
        self.rel = rel[order].astype(np.int64)
        self.keys = self.src * n + self.dst
        self.offsets = np.searchsorted(self.src, np.arange(n + 1))
        self.index = {node_id: k for k, node_id in enumerate(gt.node_ids)}
        self.is_user = np.asarray(gt.labels == "User")
        self.is_item = np.asarray(gt.labels == "Item")
        self.item_pos = np.full(n, -1, dtype=np.int64)
        self.item_pos[gt.items.numpy()] = np.arange(len(gt.items))
        # each node's edges again, attributes first, then users, then items: a link through
        # an attribute is searched for first, and most pairs need no more
        kind = self.is_user[self.dst].astype(np.int64) + 2 * self.is_item[self.dst]
        self.by_kind = np.argsort(self.src * 3 + kind, kind="stable")
        first = self.offsets[:-1]
        self.users_from = first + np.bincount(self.src[kind == 0], minlength=n)
        self.items_from = self.users_from + np.bincount(self.src[kind == 1], minlength=n)
        self._nodes: dict[int, PathNode] = {}

    def node(self, index: int) -> PathNode:
        """The PathNode of a node index."""
        got = self._nodes.get(index)
        if got is None:
            gt = self.gt
            got = self._nodes[index] = PathNode(
                str(gt.labels[index]), gt.names[index], gt.node_ids[index]
            )
        return got

    def neighbours(self, index: int) -> torch.Tensor:
        """A graph node's neighbours (node indices), text links included."""
        return torch.from_numpy(self.dst[int(self.offsets[index]) : int(self.offsets[index + 1])])

    def find_edges(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each ``src * num_nodes + dst`` key is an edge, and where it is in
        ``self.dst`` where it is (binary search in the sorted keys)."""
        pos = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        return self.keys[pos] == keys, pos

    def _links(
        self, via: np.ndarray, items: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, _Shared]:
        """For each pair (``via[p]``, ``items[p]``), the strongest graph link from the
        user's neighbour to the item: a shared attribute, else a direct edge (a friend
        who had the item, an attribute the item has, an item whose text is alike), else
        a user who had both. Returns per pair the edge positions (in ``self.dst``)
        via → shared node, item → shared node and via → item, -1 where not taken;
        all pairs at once, attributes first (most pairs need no more).

        Of several shared nodes the pair of edges with the largest product of GNN norms is
        taken; the shared attributes of every pair come back too, for :meth:`_name` to
        choose among by the score."""
        n = len(via)
        direct_hit, direct = self.find_edges(via * self.gt.num_nodes + items)
        # only an item's neighbours make a 3-hop reason, and not the item's own
        searched = self.is_item[via] & (via != items)
        none = len(self.dst)
        mine = np.full(n, none)
        theirs = np.full(n, none)
        attribute = np.zeros(n, dtype=bool)
        starts, ends = self.offsets[via], self.users_from[via]
        empty = np.zeros(0, dtype=np.int64)
        candidates = _Shared(empty, empty, empty)
        for fellow in (False, True):  # shared attributes, then (where none) fellow users
            if fellow:
                searched &= ~attribute & ~direct_hit
                starts, ends = self.users_from[via], self.items_from[via]
            if not searched.any():  # most lists: every pair linked already
                break
            (where,) = searched.nonzero()
            owner, at_via = segments_np(starts[where], (ends - starts)[where])
            owner = where[owner]
            flat = self.by_kind[at_via]
            hit, at = self.find_edges(items[owner] * self.gt.num_nodes + self.dst[flat])
            owner, flat, at = owner[hit], flat[hit], at[hit]
            # the strongest link; of equal winners the first shared node by index, so
            # the choice is deterministic
            _pick(owner, flat, at, self.norm[flat] * self.norm[at], mine, theirs)
            if not fellow:
                attribute = mine < none
                candidates = _Shared(owner, flat, at)
        use_direct = direct_hit & ~attribute & (via != items)
        mine[(mine == none) | use_direct], theirs[(theirs == none) | use_direct] = -1, -1
        direct[~use_direct] = -1
        return mine, theirs, direct, candidates

    def _name(
        self,
        via: np.ndarray,
        items: np.ndarray,
        candidates: _Shared,
        wanted: np.ndarray,
        strength: LinkStrength,
        mine: np.ndarray,
        theirs: np.ndarray,
    ) -> None:
        """Re-pick, in place, the shared attribute of the ``wanted`` pairs (of
        :meth:`_links`' ``via``/``items``) by ``strength``: the one that carries the most
        of the score. A pair with one shared attribute has nothing to choose from."""
        owner, flat, at = candidates
        keep = wanted[owner]
        owner, flat, at = owner[keep], flat[keep], at[keep]
        keep = np.bincount(owner, minlength=len(via))[owner] > 1
        if not keep.any():
            return
        owner, flat, at = owner[keep], flat[keep], at[keep]
        carried = strength(
            AttributeLinks(
                torch.from_numpy(self.item_pos[items[owner]]),
                torch.from_numpy(via[owner]),
                torch.from_numpy(self.dst[flat]),
                torch.from_numpy(self.norm[flat]),
                torch.from_numpy(self.norm[at]),
            )
        ).numpy()
        none = len(self.dst)
        new_mine, new_theirs = np.full(len(via), none), np.full(len(via), none)
        _pick(owner, flat, at, carried, new_mine, new_theirs)
        renamed = new_mine < none
        mine[renamed], theirs[renamed] = new_mine[renamed], new_theirs[renamed]

    def shared_attributes(
        self, via: int, items: np.ndarray, strength: LinkStrength | None = None
    ) -> list[list[tuple[int, str, str, float]]]:
        """For the item node ``via`` and each of ``items`` (item nodes), every attribute
        both link to as ``(attribute node, via's relationship, the item's relationship,
        carried)``, strongest first: ``carried`` by ``strength`` where given (how much of
        the score the two links carry, as :meth:`_name` weighs them), else the product of
        the links' GNN norms."""
        _, _, _, (owner, flat, at) = self._links(np.full(len(items), via), items)
        if strength is not None and len(owner):
            carried = strength(
                AttributeLinks(
                    torch.from_numpy(self.item_pos[items[owner]]),
                    torch.from_numpy(np.full(len(owner), via)),
                    torch.from_numpy(self.dst[flat]),
                    torch.from_numpy(self.norm[flat]),
                    torch.from_numpy(self.norm[at]),
                )
            ).numpy()
        else:
            carried = self.norm[flat] * self.norm[at]
        out: list[list[tuple[int, str, str, float]]] = [[] for _ in items]
        names = self.relations
        for o, f, a, c in zip(owner.tolist(), flat, at, carried.tolist(), strict=True):
            out[o].append((int(self.dst[f]), names[self.rel[f]], names[self.rel[a]], c))
        for shared in out:
            shared.sort(key=lambda t: -t[3])
        return out

    def explain_terms(
        self,
        user: PathNode,
        items: torch.Tensor,
        of: torch.Tensor,
        via: torch.Tensor,
        user_rel: torch.Tensor,
        terms: torch.Tensor,
        top: int = 5,
        rest: torch.Tensor | None = None,
        strength: LinkStrength | None = None,
        against: int = 2,
    ) -> list[Explanation]:
        """Explanations of the scores of ``items`` (node indices) for one user, given as
        terms: term ``t`` is the part of the score of ``items[of[t]]`` that comes through
        the user's neighbour ``via[t]`` (reached by relationship ``user_rel[t]``), and
        ``rest`` (per item) the part no neighbour carries. Terms of one (item, neighbour)
        add up, so a liked item's filter and GNN shares make one path. Each is shown as
        the user's edge to the neighbour followed by its strongest link to the item
        (:meth:`_links`); terms without a link (text similarity with no text edge), and
        terms beyond each item's strongest ``10 * top`` (at least 50), count in the score
        but have no path. ``strength`` names the attribute of a path (:meth:`_links`).
        Besides the ``top`` paths that raise the score most, the ``against`` that lower it
        most are shown after them (negative scores): a filter weight below zero, a
        dislike. All items in one vectorised pass."""
        k, n = len(items), self.gt.num_nodes
        item_nodes = items.numpy()
        key, inv = np.unique(of.numpy() * n + via.numpy(), return_inverse=True)
        # each (item, neighbour) pair's terms summed (in float64), kept as float32
        value = np.bincount(inv, weights=terms.numpy(), minlength=len(key)).astype(np.float32)
        rel = np.zeros(len(key), dtype=np.int64)
        rel[inv] = user_rel.numpy()
        owner_of, via_of = key // n, key % n
        score = np.bincount(owner_of, weights=value, minlength=k)
        if rest is not None:
            score = score + rest.numpy()
        # each item's strongest terms each way only: by item, then by descending term
        order = np.lexsort((-value, owner_of))
        keep = _rank_within(owner_of[order], k) < max(10 * top, 50)
        lowest = np.lexsort((value, owner_of))
        lowest = lowest[value[lowest] < 0]
        lowest = lowest[_rank_within(owner_of[lowest], k) < max(10 * against, 20)]
        order = np.union1d(order[keep], lowest if against else lowest[:0])
        order = order[np.lexsort((-value[order], owner_of[order]))]
        # which terms have a link does not depend on the attribute named: link them all
        # first, then name the attribute of the shown paths only
        pair_via, pair_item = via_of[order], item_nodes[owner_of[order]]
        mine, theirs, direct, candidates = self._links(pair_via, pair_item)
        linked = (mine >= 0) | (direct >= 0)
        shown = np.zeros_like(linked)
        up = linked & (value[order] > 0)
        shown[up] = _rank_within(owner_of[order[up]], k) < top
        down = np.flatnonzero(linked & (value[order] < 0))
        down = down[np.lexsort((value[order[down]], owner_of[order[down]]))]  # lowest first
        shown[down[_rank_within(owner_of[order[down]], k) < against]] = True
        if strength is not None:
            self._name(pair_via, pair_item, candidates, shown, strength, mine, theirs)
        carried = np.bincount(owner_of[order[linked]], weights=value[order[linked]], minlength=k)
        paths: list[list[Path]] = [[] for _ in range(k)]
        node, names = self.node, self.relations
        t = order[shown]
        m, e, d = np.maximum(mine[shown], 0), np.maximum(theirs[shown], 0), direct[shown]
        for owner, v, item, first, mid, second, third, linked_directly, score_t in zip(
            owner_of[t].tolist(),
            via_of[t].tolist(),
            item_nodes[owner_of[t]].tolist(),
            rel[t].tolist(),
            self.dst[m].tolist(),
            self.rel[m].tolist(),
            self.rel[e].tolist(),
            np.where(d >= 0, self.rel[np.maximum(d, 0)], -1).tolist(),
            value[t].tolist(),
            strict=True,
        ):
            nodes: tuple[PathNode, ...]
            rels: tuple[str, ...]
            if linked_directly >= 0:
                nodes = (user, node(v), node(item))
                rels = (names[first], names[linked_directly])
            else:
                nodes = (user, node(v), node(mid), node(item))
                rels = (names[first], names[second], names[third])
            paths[owner].append(Path(nodes, rels, score_t))
        for shown_paths in paths:  # what lowers the score most comes first of the negatives
            shown_paths.sort(key=lambda p: (p.score < 0, -p.score if p.score > 0 else p.score))
        return [
            Explanation(s, p, c / s if s else 0.0)
            for s, p, c in zip(
                score.astype(np.float32).tolist(), paths, carried.tolist(), strict=True
            )
        ]


class _Shared(NamedTuple):
    """Candidate links through shared attributes: per candidate, the pair it belongs to
    and the edge positions (in ``PathScorer.dst``) of its two edges."""

    owner: np.ndarray
    flat: np.ndarray
    at: np.ndarray


def _pick(
    owner: np.ndarray,
    flat: np.ndarray,
    at: np.ndarray,
    carried: np.ndarray,
    mine: np.ndarray,
    theirs: np.ndarray,
) -> None:
    """Per pair (``owner``), the candidate that carries most into ``mine``/``theirs``
    (where they hold ``len(dst)``); of equal winners the first by edge position, so the
    choice is deterministic."""
    best = np.full(len(mine), -np.inf)
    np.maximum.at(best, owner, carried)
    win = carried == best[owner]
    np.minimum.at(mine, owner[win], flat[win])
    np.minimum.at(theirs, owner[win], at[win])


def _rank_within(groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Each element's position within its run, for ``groups`` sorted ascending."""
    counts = np.bincount(groups, minlength=n_groups)
    first: np.ndarray = np.cumsum(counts) - counts
    rank: np.ndarray = np.arange(len(groups)) - first[groups]
    return rank


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
