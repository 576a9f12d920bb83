"""A fitted model's scores for one user and the explanations of them: the item filter's
part split over the user's liked items, the GNN's over the graph's short paths
(``kgrec.reasoning.paths``). Used by :class:`kgrec.api.Recommender` and by the
explanation metrics of ``kgrec.evaluation.explanations``."""

from __future__ import annotations

import torch

from kgrec.graph.export import GraphTensors
from kgrec.models.fit import KgrecFit
from kgrec.models.train import propagate
from kgrec.reasoning.paths import Explanation, Neighbourhood, PathScorer
from kgrec.reasoning.paths import Path as GraphPath


class Explainer:
    """Scores and explanations of ``fitted`` over the graph ``gt`` (CPU)."""

    def __init__(self, gt: GraphTensors, fitted: KgrecFit) -> None:
        self.gt, self.fitted = gt, fitted
        with torch.inference_mode():
            self.prop = propagate(fitted.model, gt, torch.device("cpu"))
        self.scorer = PathScorer(gt, self.prop, fitted.model.num_layers)
        self.item_pos = {gt.node_ids[int(i)]: k for k, i in enumerate(gt.items)}
        self.item_final = self.prop.final[gt.items]
        self._likes = gt.relations.index("LIKES") if "LIKES" in gt.relations else 0
        if fitted.filter is not None:
            _ = fitted.filter.by_rows  # built now, not in the first request

    def linked_items(self, nodes: torch.Tensor) -> torch.Tensor:
        """Per item, how many of ``nodes`` it is linked to (attributes someone said they
        like, friends who had it)."""
        counts = torch.zeros(len(self.gt.items))
        for node in nodes.tolist():
            for n in self.scorer.neighbourhood(node).neighbours.tolist():
                pos = self.item_pos.get(self.gt.node_ids[n])
                if pos is not None:
                    counts[pos] += 1.0
        return counts

    def _linked_pairs(
        self, nodes: torch.Tensor, items: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The (node position, item position) pairs of ``nodes`` × ``items`` (node
        indices) that share an edge."""
        n = self.gt.num_nodes
        linked, _ = self.scorer.find_edges(nodes[:, None] * n + items[None, :])
        node, item = linked.nonzero(as_tuple=True)
        return node, item

    def scores(
        self,
        final: torch.Tensor,
        liked: dict[int, float],
        said: torch.Tensor | None = None,
        friends: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Every item's score: the GNN's part plus the item filter's over ``liked`` items.

        Someone known only by a sentence has no liked items: the items linked to the
        attributes they ``said`` they like stand in for them, each also scoring directly
        (one filter unit per attribute named). Someone known only by their ``friends``
        (user nodes) gets one filter unit times the share of their friends who had an item."""
        scores = self.fitted.gnn_weight * (self.item_final @ final)
        if friends is not None and len(friends):
            scores = scores + self.fitted.filter_scale * self.linked_items(friends) / len(friends)
        items = torch.tensor(list(liked), dtype=torch.long)
        weights = torch.tensor(list(liked.values()), dtype=torch.float32)
        direct = self.linked_items(said) if said is not None and len(said) else None
        if direct is not None:
            (named,) = direct.nonzero(as_tuple=True)
            items, weights = torch.cat([items, named]), torch.cat([weights, direct[named]])
        f = self.fitted.filter
        if f is not None and len(items):
            scores = scores + self.fitted.filter_scale * f.scores_for(items, weights)
            if direct is not None:
                scores = scores + self.fitted.filter_scale * direct
        return scores

    def explanations(
        self,
        hood: Neighbourhood,
        final: torch.Tensor,
        liked: dict[int, float],
        items: list[int],
        top: int,
        said: torch.Tensor | None = None,
        friends: torch.Tensor | None = None,
    ) -> list[Explanation]:
        """Each item's score split exactly over the user's edges (the GNN's terms and the
        filter's, those through one liked item added up) and its ``top`` paths, all
        ``items`` at once (``kgrec.reasoning.paths``)."""
        targets = torch.tensor(items, dtype=torch.long)
        k = len(items)
        of: list[torch.Tensor] = []
        via: list[torch.Tensor] = []
        rel: list[torch.Tensor] = []
        terms: list[torch.Tensor] = []
        rest = torch.zeros(k)
        w = self.fitted.gnn_weight
        if w:  # with w = 0 the GNN carries none of the score: nothing to explain
            gnn, own = self.scorer.gnn_terms(hood, targets)
            n = len(hood.neighbours)
            of.append(torch.arange(k).repeat(n))
            via.append(hood.neighbours.repeat_interleave(k))
            rel.append(hood.rel_types.repeat_interleave(k))
            terms.append(w * gnn.flatten())
            rest += w * own
        f = self.fitted.filter
        if f is not None and liked:
            positions = torch.tensor([self.item_pos[self.gt.node_ids[i]] for i in items])
            cols, rows, weights = f.columns(positions)
            history = torch.zeros(len(self.gt.items))
            history[list(liked)] = torch.tensor(list(liked.values()))
            mine = history[rows] != 0
            rows = rows[mine]
            of.append(cols[mine])
            via.append(self.gt.items[rows])
            rel.append(torch.full((len(rows),), self.gt.relations.index("INTERACTED")))
            terms.append(self.fitted.filter_scale * weights[mine] * history[rows])
        if f is not None and said is not None and len(said):
            parts = self._said_terms(said, targets)
            of.append(parts[0])
            via.append(parts[1])
            rel.append(torch.full((len(parts[1]),), self._likes))
            terms.append(parts[2])
            rest += parts[3]
        if friends is not None and len(friends):  # each a path you–friend–item
            who, item = self._linked_pairs(friends, targets)
            of.append(item)
            via.append(friends[who])
            rel.append(torch.full((len(who),), self.gt.relations.index("FRIEND_OF")))
            terms.append(torch.full((len(who),), self.fitted.filter_scale / len(friends)))
        if not terms:
            return [Explanation(float(r)) for r in rest]
        return self.scorer.explain_terms(
            hood.node,
            targets,
            torch.cat(of),
            torch.cat(via),
            torch.cat(rel),
            torch.cat(terms),
            top,
            rest,
        )

    def _said_terms(
        self, said: torch.Tensor, items: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """The filter's part of a sentence-only user's scores of ``items`` (node indices)
        as terms: one filter unit for each attribute they named that the item has (a
        path you–attribute–item), and per item the rest, what the filter adds through
        the other items that have those attributes. Returns (item, attribute, term) per
        term and the rest per item."""
        f = self.fitted.filter
        assert f is not None
        unit = self.fitted.filter_scale
        direct = self.linked_items(said)
        total = torch.zeros(len(items))
        for k, item in enumerate(items.tolist()):
            # this item's filter score alone (one column of B), not every item's again
            pos = self.item_pos[self.gt.node_ids[item]]
            rows, weights = f.weights_into(pos)
            total[k] = unit * (direct[pos] + (weights * direct[rows]).sum())
        named, of = self._linked_pairs(said, items)
        terms = torch.full((len(of),), unit)
        rest = total - torch.zeros(len(items)).index_add_(0, of, terms)
        return of, said[named], terms, rest

    def score_without(
        self,
        hood: Neighbourhood,
        final: torch.Tensor,
        history: torch.Tensor,
        item: int,
        path: GraphPath | None = None,
    ) -> float:
        """The model's score of ``item`` (a node index) for a user with ``path``'s end edges
        deleted: the user's edge to the path's second node (and that node from the
        user's ``history``, a dense weight per item position, where it is an item) and
        the item's edge to the node before it. The filter's part is re-scored exactly (B
        is a learned parameter and stays); the GNN's to first order (neighbour norms and
        deeper layers stay). ``path=None``: the score with nothing deleted."""
        g, e_i = self.prop.sent, self.prop.final[item]
        if path is not None:
            first = self.scorer.index[path.nodes[1].node_id]
            last = self.scorer.index[path.nodes[-2].node_id]
            pos = self.item_pos.get(self.gt.node_ids[first])
            if pos is not None:
                history = history.clone()
                history[pos] = 0.0
            final = final - _norm_to(hood, first) * g[first]
            e_i = e_i - _norm_to(self.scorer.neighbourhood(item), last) * g[last]
        score = self.fitted.gnn_weight * float(final @ e_i)
        f = self.fitted.filter
        if f is not None:
            rows, weights = f.weights_into(self.item_pos[self.gt.node_ids[item]])
            score += self.fitted.filter_scale * float((weights * history[rows]).sum())
        return score


def _norm_to(hood: Neighbourhood, node: int) -> torch.Tensor:
    """The norm of the edge from ``hood``'s node to ``node`` (0 where there is none)."""
    at = hood.neighbours == node
    return hood.norms[at].sum() if bool(at.any()) else torch.zeros(())
