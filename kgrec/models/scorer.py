r"""kgrec's score, computed here and nowhere else.

For a user *u* and an item *i*:

.. math::  s(u, i) = c \Big( \sum_j x_{uj} B_{ji} + d_{ui} \Big) + w\, e_u \cdot e_i

* :math:`x_u` is the user's history: a weight per item they had (recency-faded where the
  model chose a half-life; negative for an item they disliked). :math:`B` is the
  knowledge-aware item filter (``kgrec.models.item_filter``), :math:`c` its scale.
* :math:`d_{ui}` are the **direct terms** of what the user said and who they know:
  :math:`\sigma \sum_a y_{ua} [i \sim a]` over the attributes *a* they said they like
  (:math:`y = +1`, a ``LIKES`` edge or a positive mention) or dislike (:math:`y = -1`,
  ``DISLIKES`` or a negated mention), :math:`[i \sim a]` whether the item has the
  attribute, :math:`\sigma` the ``said_weight`` chosen on valid.
* A user with **no history** is scored from stand-ins: the items of the attributes they
  said they like stand in for it (:math:`x_{uj}` = how many of those attributes item *j*
  has, and each such item scores that count directly, one filter unit per attribute
  named); with none of those, their **friends**: each item scores one filter unit times
  the share of their friends who had it.
* :math:`e_u \cdot e_i` is the fusion GNN's part (``kgrec.models.fusion``), weighted by
  :math:`w` (0 where validation kept the filter alone). The user's embedding is a sum
  over their edges, :math:`e_u = \alpha e_u^{(0)} + \sum_v n_{uv} g_v` with
  :math:`n_{uv} = \beta_r / \sqrt{d_u d_v}`, so a user whose edges change (a sentence, new
  feedback) is scored by summing again: nothing global is recomputed.

:class:`Scorer` gives the scores of every item for one user (:class:`UserState`), the
exact split of those scores into per-edge terms (what ``kgrec.reasoning`` shows as paths)
and the scores of many graph users at once (evaluation). :func:`score_function` is the
same sum for a model being trained, and :class:`FilterPart` the filter's part over many
users' histories; training validation, evaluation, serving, text users, the friends
fallback and the deletion test all go through this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import torch

from kgrec.graph.export import GraphTensors
from kgrec.graph.text_links import SIMILAR_TEXT
from kgrec.models.fusion import Propagated, propagate
from kgrec.models.history import Histories
from kgrec.models.item_filter import ItemFilter
from kgrec.models.ragged import segments, segments_np
from kgrec.models.types import ScoreFn

if TYPE_CHECKING:
    from kgrec.models.fit import KgrecFit

#: Relationship types the score uses whether or not the graph has them.
SCORED_RELATIONS = (SIMILAR_TEXT, "INTERACTED", "LIKES", "DISLIKES", "FRIEND_OF", "FEEDBACK")

#: Below this many users × items, the filter's scores for every user are computed once
#: (at most 400 MB) and training reads them; above it, each pair is summed on the fly.
DENSE_LIMIT = 100_000_000


class GraphLinks:
    """What the score needs of a graph besides the model: which items each node is
    linked to, the attributes users said they like or dislike, and users' friends."""

    def __init__(self, gt: GraphTensors) -> None:
        self.gt = gt
        n = gt.num_nodes
        self.item_pos = torch.full((n,), -1, dtype=torch.long)
        self.item_pos[gt.items] = torch.arange(len(gt.items))
        is_user = torch.zeros(n, dtype=torch.bool)
        is_user[gt.users] = True
        src, dst, rel = gt.edge_index[0], gt.edge_index[1], gt.edge_type
        # every node's propagated edges (neighbour, relationship), compressed by node
        order = torch.argsort(src * n + dst)
        self._nbr, self._rel = dst[order], rel[order]
        self._edge_offsets = torch.searchsorted(src[order], torch.arange(n + 1))
        # every node's linked items, compressed by node
        to_item = self.item_pos[dst] >= 0
        order = torch.argsort(src[to_item] * n + dst[to_item])
        self._items = self.item_pos[dst[to_item][order]]
        self._offsets = torch.searchsorted(src[to_item][order], torch.arange(n + 1))
        likes = gt.relations.index("LIKES") if "LIKES" in gt.relations else -1
        friend = gt.relations.index("FRIEND_OF") if "FRIEND_OF" in gt.relations else -1
        liked = (rel == likes) & is_user[src]
        said_src = torch.cat([src[liked], gt.dislikes[0]])
        said_dst = torch.cat([dst[liked], gt.dislikes[1]])
        sign = torch.cat([torch.ones(int(liked.sum())), -torch.ones(gt.dislikes.size(1))])
        self._said = _by_source(said_src, said_dst, sign, n)
        fr = (rel == friend) & is_user[src]
        self._friends = _by_source(src[fr], dst[fr], torch.ones(int(fr.sum())), n)

    def edges(self, node: int) -> tuple[torch.Tensor, torch.Tensor]:
        """A node's propagated edges: its neighbours and the relationship of each."""
        lo, hi = int(self._edge_offsets[node]), int(self._edge_offsets[node + 1])
        return self._nbr[lo:hi], self._rel[lo:hi]

    def linked(self, nodes: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        """Per item, the summed ``weights`` (1 each by default) of ``nodes`` it is linked to."""
        weights = torch.ones(len(nodes)) if weights is None else weights
        seg, flat = segments(self._offsets[nodes], self._offsets[nodes + 1] - self._offsets[nodes])
        out = torch.zeros(len(self.gt.items))
        return out.index_add_(0, self._items[flat], weights[seg].float())

    def items_of(self, nodes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The items linked to each of ``nodes``: (position in ``nodes``, item position)
        per link."""
        offsets = self._offsets.numpy()
        at = nodes.numpy()
        seg, flat = segments_np(offsets[at], offsets[at + 1] - offsets[at])
        return torch.from_numpy(seg), torch.from_numpy(self._items.numpy()[flat])

    def linked_pairs(
        self, nodes: torch.Tensor, items: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The (position in ``nodes``, position in ``items``) pairs that share an edge
        (``items`` are item positions)."""
        # numpy: every explained request calls this with a handful of nodes
        offsets, linked = self._offsets.numpy(), self._items.numpy()
        at = nodes.numpy()
        seg, flat = segments_np(offsets[at], offsets[at + 1] - offsets[at])
        found = np.sort(items.numpy())
        pos = np.minimum(np.searchsorted(found, linked[flat]), max(len(found) - 1, 0))
        keep = found[pos] == linked[flat] if len(found) else np.zeros(len(flat), dtype=bool)
        order = np.argsort(items.numpy(), kind="stable")  # positions of the sorted items
        return torch.from_numpy(seg[keep]), torch.from_numpy(order[pos[keep]])

    def said(self, user: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The attribute nodes a graph user said they like (+1) or dislike (-1)."""
        return self._said.of(user)

    def friends(self, user: int) -> torch.Tensor:
        """A graph user's friends (user nodes)."""
        return self._friends.of(user)[0]


@dataclass(frozen=True)
class _Adjacency:
    dst: torch.Tensor
    val: torch.Tensor
    offsets: torch.Tensor

    def of(self, node: int) -> tuple[torch.Tensor, torch.Tensor]:
        lo, hi = int(self.offsets[node]), int(self.offsets[node + 1])
        return self.dst[lo:hi], self.val[lo:hi]


def _joined(parts: list[np.ndarray], dtype: type) -> torch.Tensor:
    """``parts`` end to end as one tensor of ``dtype`` (empty without parts)."""
    joined = np.concatenate(parts) if parts else np.zeros(0)
    return torch.from_numpy(joined.astype(dtype, copy=False))


def _by_source(src: torch.Tensor, dst: torch.Tensor, val: torch.Tensor, n: int) -> _Adjacency:
    order = torch.argsort(src * n + dst)
    return _Adjacency(dst[order], val[order], torch.searchsorted(src[order], torch.arange(n + 1)))


@dataclass(frozen=True)
class UserState:
    """Everything one user's scores are computed from.

    ``neighbours`` (node indices) with ``rel_types`` and ``norms`` are the user's edges
    the GNN's user embedding sums over; ``ego`` is the user's own input embedding;
    ``items``/``weights`` the history (item positions, signed weights); ``said`` the
    attribute nodes they said they like or dislike with ``said_sign`` (+1 / -1);
    ``friends`` the user nodes that stand in for an empty history; ``fresh`` the item
    positions they liked through live feedback since the model (their terms are shown
    over FEEDBACK edges: "you just liked")."""

    ego: torch.Tensor
    neighbours: torch.Tensor
    rel_types: torch.Tensor
    norms: torch.Tensor
    items: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.long))
    weights: torch.Tensor = field(default_factory=lambda: torch.zeros(0))
    said: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.long))
    said_sign: torch.Tensor = field(default_factory=lambda: torch.zeros(0))
    friends: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.long))
    fresh: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.long))
    #: what ``Scorer`` computed of these inputs once (their GNN embedding); a state made
    #: by ``replace`` starts empty
    cache: dict[str, torch.Tensor] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def without(self, node: int, item_pos: int = -1) -> UserState:
        """The same user with the edge to ``node`` deleted (the node from the
        neighbours, the history where ``item_pos`` is its item position, and what they
        said), the other edges' norms kept (the deletion's first-order view)."""
        keep = self.neighbours != node
        mine = self.items != item_pos
        said = self.said != node
        friends = self.friends != node
        return replace(
            self,
            neighbours=self.neighbours[keep],
            rel_types=self.rel_types[keep],
            norms=self.norms[keep],
            items=self.items[mine],
            weights=self.weights[mine],
            said=self.said[said],
            said_sign=self.said_sign[said],
            friends=self.friends[friends],
        )


@dataclass
class AttributeLinks:
    """Triples (scored item, liked item, shared attribute) whose two links to the
    attribute a deletion would remove: ``items`` item positions, ``via`` the liked
    items' nodes, ``shared`` the attribute nodes, ``n_via`` and ``n_item`` the GNN's
    norms of the liked item's and the scored item's edge to the attribute."""

    items: torch.Tensor
    via: torch.Tensor
    shared: torch.Tensor
    n_via: torch.Tensor
    n_item: torch.Tensor


@dataclass
class Terms:
    """Scores of some items split into terms: term ``t`` is the part of the score of
    item ``of[t]`` that comes through the user's neighbour ``via[t]`` (a node reached by
    relationship ``rel[t]``, a position in ``GraphTensors.relations`` or
    ``len(relations)`` for a text link); ``rest`` (per item) the part no edge carries.
    ``value.sum()`` per item plus ``rest`` is the score, exactly."""

    of: torch.Tensor
    via: torch.Tensor
    rel: torch.Tensor
    value: torch.Tensor
    rest: torch.Tensor


class FilterPart:
    """The filter's part of many users' scores, :math:`c (\\sum_j x_{uj} B_{ji} + d_{ui})`,
    over their histories ``x`` and direct terms ``d`` (both sparse users × items)."""

    def __init__(
        self,
        item_filter: ItemFilter | None,
        scale: float,
        histories: Histories,
        direct: Histories | None = None,
        dense_limit: int = DENSE_LIMIT,
    ) -> None:
        """``item_filter`` None: the direct terms alone (a model without the filter)."""
        self.filter, self.scale, self.histories, self.direct = (
            item_filter,
            scale,
            histories,
            direct,
        )
        n = histories.n_items
        self._keys, self._values = torch.zeros(0, dtype=torch.long), torch.zeros(0)
        if item_filter is not None:
            key = item_filter.index[0] * n + item_filter.index[1]
            order = torch.argsort(key)
            self._keys, self._values = key[order], item_filter.values[order]
        self._dense: torch.Tensor | None = None
        if histories.n_users * n <= dense_limit:
            self._dense = self.rows(torch.arange(histories.n_users))

    def rows(self, users: torch.Tensor) -> torch.Tensor:
        """Scores of every item for ``users`` (len(users), n_items)."""
        if self._dense is not None:
            return self._dense[users]
        out = torch.zeros(len(users), self.histories.n_items)
        if self.filter is not None:
            out = self.filter.scores(self.histories.rows(users))
        if self.direct is not None:
            out = out + self.direct.rows(users)
        return self.scale * out

    def pairs(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """Scores of ``items[k]`` for ``users[k]``."""
        if self._dense is not None:
            return self._dense[users, items]
        out = torch.zeros(len(users))
        if len(self._keys):
            row, liked, weight = self.histories.entries(users)
            key = liked * self.histories.n_items + items[row]
            at = torch.searchsorted(self._keys, key).clamp(max=len(self._keys) - 1)
            terms = torch.where(self._keys[at] == key, weight * self._values[at], torch.zeros(()))
            out.index_add_(0, row, terms)
        if self.direct is not None:
            row, item, weight = self.direct.entries(users)
            out.index_add_(0, row, torch.where(item == items[row], weight, torch.zeros(())))
        return self.scale * out


def score_function(
    prop: Propagated, gt: GraphTensors, base: FilterPart | None = None, gnn_weight: float = 1.0
) -> ScoreFn:
    """Scores of graph users (positions into ``gt.users``) against all items: ``base``
    (the filter's part) plus ``gnn_weight`` times the products of the GNN's read-out final
    embeddings (``Propagated.readout``)."""
    users = prop.readout(prop.final[gt.users.to(prop.final.device)])
    items = prop.readout(prop.final[gt.items.to(prop.final.device)])

    def score(batch: torch.Tensor) -> torch.Tensor:
        out = gnn_weight * (users[batch.to(users.device)] @ items.T).cpu()
        return out if base is None else out + base.rows(batch)

    return score


def user_inputs(
    links: GraphLinks, histories: Histories, said_weight: float
) -> tuple[Histories, Histories]:
    """Graph users' histories with stand-ins where they are empty, and their direct terms
    (the rules of the module docstring), as sparse users × items matrices."""
    gt = links.gt
    empty = (histories.crow[1:] - histories.crow[:-1]) == 0
    extra_pairs: list[torch.Tensor] = []
    extra_w: list[torch.Tensor] = []
    direct_pairs: list[torch.Tensor] = []
    direct_w: list[torch.Tensor] = []
    for u in range(histories.n_users):
        node = int(gt.users[u])
        said, sign = links.said(node)
        has_history = not bool(empty[u])
        if not len(said) and (has_history or not len(links.friends(node))):
            continue
        d, stand_in = _direct(links, said, sign, links.friends(node), said_weight, has_history)
        (nz,) = d.nonzero(as_tuple=True)
        direct_pairs.append(torch.stack([torch.full_like(nz, u), nz], 1))
        direct_w.append(d[nz])
        if stand_in is not None:
            (si,) = stand_in.nonzero(as_tuple=True)
            extra_pairs.append(torch.stack([torch.full_like(si, u), si], 1))
            extra_w.append(stand_in[si])
    n_users, n_items = histories.n_users, histories.n_items
    if extra_pairs:
        row, item, weight = histories.entries(torch.arange(n_users))
        pairs = torch.cat([torch.stack([row, item], 1), *extra_pairs]).numpy()
        histories = Histories.of(pairs, n_users, n_items, torch.cat([weight, *extra_w]).numpy())
    pairs_d = torch.cat(direct_pairs).numpy() if direct_pairs else torch.zeros(0, 2).long().numpy()
    w_d = torch.cat(direct_w).numpy() if direct_w else torch.zeros(0).numpy()
    return histories, Histories.of(pairs_d, n_users, n_items, w_d)


def _direct(
    links: GraphLinks,
    said: torch.Tensor,
    sign: torch.Tensor,
    friends: torch.Tensor,
    said_weight: float,
    has_history: bool,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """One user's direct terms per item, and their stand-in history (None: their own)."""
    liked = said[sign > 0]
    if has_history:
        return said_weight * links.linked(said, sign), None
    disliked = said_weight * links.linked(said[sign < 0], sign[sign < 0])
    if len(liked):
        stand_in = links.linked(liked)
        return stand_in + disliked, stand_in
    if len(friends):
        return links.linked(friends) / len(friends) + disliked, None
    return disliked, None


class Scorer:
    """A fitted model's scores and their exact terms, one user at a time (CPU).

    Built once per model; :meth:`state` gives a graph user's inputs, :meth:`state_with`
    those of a user whose edges are not (all) in the graph (a sentence, live feedback),
    and :meth:`scores` / :meth:`terms` the score of every item and its split."""

    def __init__(
        self, fitted: KgrecFit, gt: GraphTensors, propagated: Propagated | None = None
    ) -> None:
        """``propagated``: the model's propagation over ``gt`` where one was saved with it
        (``kgrec.models.checkpoint``); else the model propagates here."""
        self.fitted, self.gt = fitted, gt
        model = fitted.model
        #: the graph's relationship types, then those the score knows that it lacks
        #: (a user's words add LIKES to a graph without them; text links are evidence)
        self.relations = [
            *gt.relations,
            *(r for r in SCORED_RELATIONS if r not in gt.relations),
        ]
        with torch.inference_mode():
            if propagated is None:
                propagated = propagate(model, gt, torch.device("cpu"))
            self.prop = propagated
            learned = model.relation_weights().detach()
            # relationships the model was not trained on weigh what untrained ones do (1)
            self.beta = torch.cat([learned, torch.ones(len(self.relations) - len(learned))])
            self.degree = model.degrees(gt.edge_index, gt.edge_type, gt.num_nodes)
        self.alpha = 1.0 / (model.num_layers + 1)
        final = self.prop.final[gt.items]
        #: the items' read-out final embeddings (``Propagated.readout``) and their factors
        self.item_final = self.prop.readout(final)
        self.item_scale = self.prop.scale(final)
        self.links = GraphLinks(gt)
        # numpy views for the per-request terms (``terms``)
        # (detached: without text inputs ``ego`` is the model's embedding table itself)
        self._sent_np = self.prop.sent.detach().numpy()
        self._final_np = self.prop.final.detach().numpy()
        self._ego_np = self.prop.ego.detach().numpy()
        self._item_final_np = self.item_final.detach().numpy()
        self._item_scale_np = self.item_scale.detach().numpy()
        self._item_nodes_np = gt.items.numpy()
        if fitted.filter is not None:
            _ = fitted.filter.by_rows  # built now, not in the first request

    def relation(self, name: str) -> int:
        """The position of relationship type ``name`` in :attr:`relations`."""
        return self.relations.index(name)

    # --- users' inputs --------------------------------------------------------------
    def state(
        self, user: int, items: torch.Tensor | None = None, weights: torch.Tensor | None = None
    ) -> UserState:
        """A graph user's (node index) inputs: their graph edges, what they said, their
        friends, and their history (``items`` positions with ``weights``)."""
        neighbours, rel_types = self.links.edges(user)
        said, sign = self.links.said(user)
        return self.state_with(
            self.prop.ego[user],
            neighbours,
            rel_types,
            torch.zeros(len(neighbours), dtype=torch.bool),
            items,
            weights,
            said,
            sign,
            self.links.friends(user),
        )

    def newcomer(
        self,
        text: torch.Tensor | None = None,
        said: torch.Tensor | None = None,
        said_sign: torch.Tensor | None = None,
    ) -> UserState:
        """The inputs of a user the graph does not hold: their own embedding from their
        words' ``text`` vector (zeros without), a LIKES edge the graph lacks to each
        attribute they ``said`` they like (``said_sign`` +1; -1 for dislikes)."""
        said = torch.zeros(0, dtype=torch.long) if said is None else said
        sign = torch.zeros(0) if said_sign is None else said_sign
        liked = said[sign > 0]
        return self.state_with(
            self.fitted.model.ego_of_text(text),
            liked,
            torch.full((len(liked),), self.relation("LIKES"), dtype=torch.long),
            torch.ones(len(liked), dtype=torch.bool),
            said=said,
            said_sign=sign,
        )

    def state_with(
        self,
        ego: torch.Tensor,
        neighbours: torch.Tensor,
        rel_types: torch.Tensor,
        new: torch.Tensor,
        items: torch.Tensor | None = None,
        weights: torch.Tensor | None = None,
        said: torch.Tensor | None = None,
        said_sign: torch.Tensor | None = None,
        friends: torch.Tensor | None = None,
    ) -> UserState:
        """A user's inputs from their edges (``new`` marks edges the graph does not hold,
        whose far end gains a degree): :math:`n_{uv} = \\beta_r / \\sqrt{d_u (d_v +
        [new]\\beta_r)}`, :math:`d_u = \\sum \\beta_r` over the user's edges. For a graph
        user's own edges these are the model's propagation norms."""
        beta = self.beta[rel_types]
        d_v = self.degree[neighbours] + new.float() * beta
        norms = beta * (beta.sum() * d_v).clamp(min=1e-12).rsqrt()
        empty_long = torch.zeros(0, dtype=torch.long)
        return UserState(
            ego,
            neighbours,
            rel_types,
            norms,
            empty_long if items is None else items,
            torch.zeros(0) if weights is None else weights.float(),
            empty_long if said is None else said,
            torch.zeros(0) if said_sign is None else said_sign.float(),
            empty_long if friends is None else friends,
        )

    def embedding(self, state: UserState) -> torch.Tensor:
        """The user's final GNN embedding :math:`\\alpha e_u^{(0)} + \\sum_v n_{uv} g_v`
        (computed once per state: scores, terms and link effects all need it)."""
        if "embedding" not in state.cache:
            sent = self.prop.sent[state.neighbours]
            state.cache["embedding"] = self.alpha * state.ego + (state.norms[:, None] * sent).sum(0)
        return state.cache["embedding"]

    def user_scale(self, state: UserState) -> float:
        """The read-out factor of the user's final embedding (``Propagated.scale``), once
        per state."""
        if "scale" not in state.cache:
            state.cache["scale"] = self.prop.scale(self.embedding(state))
        return float(state.cache["scale"])

    # --- scores ---------------------------------------------------------------------
    @torch.no_grad()
    def scores(self, state: UserState) -> torch.Tensor:
        """Every item's score for the user."""
        f = self.fitted
        out = f.gnn_weight * (self.item_final @ self.prop.readout(self.embedding(state)))
        items, weights, direct = self._filter_inputs(state)
        if f.filter is not None and len(items):
            out = out + f.filter_scale * self._filter_scores(state, items, weights)
        return out + f.filter_scale * direct

    def _filter_scores(
        self, state: UserState, items: torch.Tensor, weights: torch.Tensor
    ) -> torch.Tensor:
        r""":math:`\sum_j x_{uj} B_{ji}` of every item *i*, once per state."""
        assert self.fitted.filter is not None
        if "filter" not in state.cache:
            state.cache["filter"] = self.fitted.filter.scores_for(items, weights)
        return state.cache["filter"]

    def score_fn(self, histories: Histories) -> ScoreFn:
        """Scores of many graph users (positions) at once, from ``histories``."""
        f = self.fitted
        said_weight = f.said_weight if f.filter is not None else 0.0
        x, direct = user_inputs(self.links, histories, said_weight)
        base = None
        if f.filter is not None or bool(direct.val.abs().sum()):
            base = FilterPart(f.filter, f.filter_scale, x, direct)
        return score_function(self.prop, self.gt, base, f.gnn_weight)

    def _filter_inputs(self, state: UserState) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The history the filter sums over (the user's own, else stand-ins) and the
        direct terms per item (module docstring), once per state."""
        cache = state.cache
        if "direct" not in cache:
            cache["items"], cache["weights"], cache["direct"] = self._new_filter_inputs(state)
        return cache["items"], cache["weights"], cache["direct"]

    def _new_filter_inputs(
        self, state: UserState
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        has_history = len(state.items) > 0
        said_weight = self.fitted.said_weight if self.fitted.filter is not None else 0.0
        direct, stand_in = _direct(
            self.links, state.said, state.said_sign, state.friends, said_weight, has_history
        )
        if stand_in is None:
            return state.items, state.weights, direct
        (named,) = stand_in.nonzero(as_tuple=True)
        return named, stand_in[named], direct

    # --- terms ----------------------------------------------------------------------
    @torch.no_grad()
    def terms(self, state: UserState, items: torch.Tensor) -> Terms:
        """The scores of ``items`` (item positions) split over the user's edges: the GNN's
        term :math:`w n_{uv} g_v \\cdot e_i` per neighbour, the filter's
        :math:`c x_{uj} B_{ji}` per history item, one direct term per (attribute said,
        item that has it) or (friend, item they had); ``rest``: the user's own
        embedding's part and what stand-ins add through the filter."""
        # numpy throughout: a few dozen operations on small arrays per explained request,
        # where torch's per-call overhead was most of the time
        f = self.fitted
        k = len(items)
        at = items.numpy()
        of: list[np.ndarray] = []
        via: list[np.ndarray] = []
        rel: list[np.ndarray] = []
        value: list[np.ndarray] = []
        rest = np.zeros(k, dtype=np.float32)
        if f.gnn_weight:  # with w = 0 the GNN carries none of the score
            e_i = self._item_final_np[at]
            # the user's read-out factor is one number: the sum over edges stays exact
            s_u = self.user_scale(state)
            nbrs = state.neighbours.numpy()
            gnn = s_u * state.norms.numpy()[:, None] * (self._sent_np[nbrs] @ e_i.T)
            of.append(np.tile(np.arange(k), len(nbrs)))
            via.append(np.repeat(nbrs, k))
            rel.append(np.repeat(self._shown_rel(state).numpy(), k))
            value.append(f.gnn_weight * gnn.ravel())
            rest += f.gnn_weight * s_u * self.alpha * (e_i @ state.ego.detach().numpy())
        hist_items, hist_weights, _ = self._filter_inputs(state)
        stand_in = len(state.items) == 0 and len(hist_items) > 0
        c = f.filter_scale
        if f.filter is not None and len(hist_items):
            cols, rows, weights = (t.numpy() for t in f.filter.columns(items))
            history = np.zeros(len(self.gt.items), dtype=np.float32)
            history[hist_items.numpy()] = hist_weights.numpy()
            mine = history[rows] != 0
            cols, rows, weights = cols[mine], rows[mine], weights[mine]
            if stand_in:  # what stand-ins add through the filter has no edge of its own
                rest += np.bincount(cols, weights=c * weights * history[rows], minlength=k)
            else:
                of.append(cols)
                via.append(self._item_nodes_np[rows])
                fresh = np.isin(rows, state.fresh.numpy())
                feedback, interacted = self.relation("FEEDBACK"), self.relation("INTERACTED")
                rel.append(np.where(fresh, feedback, interacted))
                value.append(c * weights * history[rows])
        said_weight = f.said_weight if f.filter is not None else 0.0
        for nodes_, signs, unit, kind in self._direct_sources(state, said_weight, stand_in):
            who, item = (t.numpy() for t in self.links.linked_pairs(nodes_, items))
            of.append(item)
            via.append(nodes_.numpy()[who])
            rel.append(kind.numpy()[who])
            value.append(c * unit * signs.numpy()[who])

        return Terms(
            _joined(of, np.int64),
            _joined(via, np.int64),
            _joined(rel, np.int64),
            _joined(value, np.float32),
            torch.from_numpy(rest),
        )

    def _shown_rel(self, state: UserState) -> torch.Tensor:
        """The relationship each of the user's edges is shown with: FEEDBACK for the items
        they liked through live feedback."""
        fresh = torch.isin(self.links.item_pos[state.neighbours], state.fresh) & (
            state.rel_types == self.relation("INTERACTED")
        )
        return torch.where(fresh, self.relation("FEEDBACK"), state.rel_types)

    def _direct_sources(
        self, state: UserState, said_weight: float, stand_in: bool
    ) -> list[tuple[torch.Tensor, torch.Tensor, float, torch.Tensor]]:
        """The nodes behind the direct terms: (nodes, sign per node, unit, relationship
        per node)."""
        said_rel = torch.where(
            state.said_sign > 0, self.relation("LIKES"), self.relation("DISLIKES")
        )
        if len(state.items):
            return [(state.said, state.said_sign, said_weight, said_rel)]
        liked = state.said_sign > 0
        out = [(state.said[~liked], state.said_sign[~liked], said_weight, said_rel[~liked])]
        if stand_in:
            out.append((state.said[liked], state.said_sign[liked], 1.0, said_rel[liked]))
        elif len(state.friends):
            n = len(state.friends)
            out.append(
                (
                    state.friends,
                    torch.ones(n),
                    1.0 / n,
                    torch.full((n,), self.relation("FRIEND_OF")),
                )
            )
        return out

    # --- deletion -------------------------------------------------------------------
    @torch.no_grad()
    def score_without(
        self, state: UserState, item: int, first: int | None = None, last: int | None = None
    ) -> float:
        """The score of ``item`` (an item position) for the user with the edge to node
        ``first`` deleted (:meth:`UserState.without`) and the item's edge to node ``last``.
        The filter's part is re-scored exactly (B is a learned parameter and stays); the
        GNN's to first order (the other norms and deeper layers stay). No nodes: the
        score with nothing deleted."""
        node = int(self.gt.items[item])
        e_i = self.prop.final[node]
        # read-out factors of the undeleted user and item, held (first order)
        scale = self.user_scale(state) * float(self.item_scale[item])
        if first is not None:
            state = state.without(first, int(self.links.item_pos[first]))
        if last is not None:
            nbr, rel = self.links.edges(node)
            beta = self.beta[rel[nbr == last]].sum()
            norm = beta * (self.degree[node] * self.degree[last]).clamp(min=1e-12).rsqrt()
            e_i = e_i - norm * self.prop.sent[last]
        f = self.fitted
        score = f.gnn_weight * scale * float(self.embedding(state) @ e_i)
        items, weights, direct = self._filter_inputs(state)
        if f.filter is not None and len(items):
            rows, w = f.filter.weights_into(item)
            history = torch.zeros(len(self.gt.items))
            history[items] = weights
            score += f.filter_scale * float((w * history[rows]).sum())
        d = float(direct[item])
        if last is not None and d:  # the item loses its link to ``last``
            d -= self.direct_through(state, last)
        return score + f.filter_scale * d

    def direct_through(self, state: UserState, node: int) -> float:
        """The direct term one node (a said attribute or a friend) gives an item linked
        to it (0 for any other node)."""
        said_weight = self.fitted.said_weight if self.fitted.filter is not None else 0.0
        for nodes, signs, unit, _ in self._direct_sources(
            state, said_weight, len(state.items) == 0 and bool((state.said_sign > 0).any())
        ):
            at = (nodes == node).nonzero().flatten()
            if len(at):
                return unit * float(signs[at[0]])
        return 0.0

    # --- attribute links ------------------------------------------------------------
    @torch.no_grad()
    def link_effects(self, state: UserState, links: AttributeLinks) -> torch.Tensor:
        r"""Per link triple, the change of the user's score of its item when the item's
        and the liked item's edges to the shared attribute are deleted, to first order
        (negative: the link carries that much of the score). It names the attribute a
        path goes through (``kgrec.reasoning.paths``): the one whose deletion costs most.

        The filter's part is the derivative of :math:`y_i = \sum_j x_j B_{ji}` with
        respect to the Gram matrix: with :math:`p = P e_i`, :math:`q = P x`,
        :math:`r = q + y_i p`, :math:`dy_i = r^\top dG\, p / P_{ii}`, and deleting the
        links of items *i* and *j* to attribute *a* (items *c*) is
        :math:`dG = \alpha(d d^\top - c d^\top - d c^\top)`, :math:`d = e_i + e_j`.
        :math:`P`'s columns come from the kept weights, :math:`P_{mi} = -B_{mi} P_{ii}`,
        :math:`(P x)_m = P_{mm}(x_m - y_m)` from the filter's scores, and a large
        attribute's sums :math:`c^\top P` from the fit (``ItemFilter.sums``).
        The GNN's part: the item loses :math:`n_{ia} g_a`, the liked item's
        :math:`g_j` loses :math:`\alpha n_{ja} e_a^{(0)}` (other norms held)."""
        return self.gnn_link_effects(state, links) + self._filter_link_effects(state, links)

    def gnn_link_effects(self, state: UserState, links: AttributeLinks) -> torch.Tensor:
        """The GNN's part of :meth:`link_effects` (first order)."""
        w = self.fitted.gnn_weight
        if not w:
            return torch.zeros(len(links.items))
        e_u = self.embedding(state).detach().numpy()
        to_user = np.bincount(
            state.neighbours.numpy(), weights=state.norms.numpy(), minlength=self.gt.num_nodes
        )
        items, shared = links.items.numpy(), links.shared.numpy()
        e_i = self._final_np[self._item_nodes_np[items]]
        through_item = links.n_item.numpy() * (self._sent_np[shared] @ e_u)
        through_liked = self.alpha * to_user[links.via.numpy()] * links.n_via.numpy()
        through_liked = through_liked * (self._ego_np[shared] * e_i).sum(1)
        # read-out factors held (first order)
        scale = self.user_scale(state) * self._item_scale_np[items]
        return torch.from_numpy((-w * scale * (through_item + through_liked)).astype(np.float32))

    def _filter_link_effects(self, state: UserState, links: AttributeLinks) -> torch.Tensor:
        # numpy: a few dozen operations on small arrays, where torch's per-call overhead
        # was most of an explained request's time
        out = torch.zeros(len(links.items))
        flt = self.fitted.filter
        if flt is None or flt.diag is None or flt.settings is None or not flt.settings[1]:
            return out
        if not len(state.items) or not len(links.items):  # stand-ins: no edge of their own
            return out
        n, diag = flt.n_items, flt.diag.numpy().astype(np.float64)
        hist = state.items.numpy()
        x = np.zeros(n)
        x[hist] = state.weights.numpy()
        scored = links.items.numpy()
        items, slot = np.unique(scored, return_inverse=True)
        k = len(items)
        # columns of P of the scored items (rows) and P x, from the kept weights
        of, rows, b = (t.numpy() for t in flt.columns(torch.from_numpy(items)))
        p = np.zeros((k, n))
        p[of, rows] = -b * diag[items[of]]
        p[np.arange(k), items] = diag[items]
        # P x without the history's columns: (P x)_m = P_mm (x_m - sum_h x_h B_hm), and that
        # sum is the filter's score of m
        q = diag * (x - self._filter_scores(state, state.items, state.weights).numpy())
        y = -(p @ x) / diag[items]
        r = q[None, :] + y[:, None] * p
        attrs, a_slot = np.unique(links.shared.numpy(), return_inverse=True)
        c_p, c_r = np.zeros((k, len(attrs))), np.zeros((k, len(attrs)))
        summed = np.zeros(len(attrs), dtype=bool)
        if flt.sums is not None and flt.sum_nodes is not None and len(flt.sum_nodes):
            # large attributes: exact; sum_nodes are sorted (they come from torch.unique)
            nodes = flt.sum_nodes.numpy()
            at = np.minimum(np.searchsorted(nodes, attrs), len(nodes) - 1)
            summed = nodes[at] == attrs
            sums = flt.sums[torch.from_numpy(at[summed])].numpy().astype(np.float64)  # c^T P
            exact_p = sums[:, items].T  # (k, summed): c . p
            c_p[:, summed] = exact_p
            c_r[:, summed] = (sums[:, hist] @ x[hist])[None, :] + y[:, None] * exact_p
        # the others from the kept weights, summed over their items
        (small,) = (~summed).nonzero()
        seg, members = (t.numpy() for t in self.links.items_of(torch.from_numpy(attrs[small])))
        counts = np.bincount(seg, minlength=len(small))
        ends = np.cumsum(counts)
        for c, m in ((c_p, p), (c_r, r)):  # sums over each attribute's run of members
            run = np.zeros((k, len(members) + 1))
            np.cumsum(m[:, members], axis=1, out=run[:, 1:])
            c[:, small] = run[:, ends] - run[:, ends - counts]
        j = self.links.item_pos[links.via].numpy()
        d_p = p[slot, scored] + p[slot, j]
        d_r = r[slot, scored] + r[slot, j]
        cp, cr = c_p[slot, a_slot], c_r[slot, a_slot]
        change = flt.settings[1] * (d_r * d_p - cr * d_p - d_r * cp) / diag[scored]
        return torch.from_numpy((self.fitted.filter_scale * change).astype(np.float32))

    # --- items ----------------------------------------------------------------------
    def similar(self, item: int) -> torch.Tensor:
        """Per item, how alike it is to ``item`` (a position): the filter's weights where
        the model has one (what liking this item says about others), else the cosine of
        final embeddings."""
        f = self.fitted.filter
        if f is not None:
            return f.scores_for(torch.tensor([item]), torch.ones(1))
        emb = torch.nn.functional.normalize(self.item_final, dim=1)
        return emb @ emb[item]
