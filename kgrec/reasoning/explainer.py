"""Explanations of a fitted model's scores: the exact terms of ``kgrec.models.scorer``
shown as graph paths (``kgrec.reasoning.paths``). Computes no score itself. Used by
:class:`kgrec.api.Recommender`, the pipeline's recommend stage and the explanation
metrics of ``kgrec.evaluation.explanations``."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from kgrec.graph.text_links import SIMILAR_TEXT
from kgrec.models.scorer import Scorer, UserState
from kgrec.reasoning.paths import Explanation, PathNode, PathScorer
from kgrec.reasoning.paths import Path as GraphPath

#: How a user stands on a path when they are known only by their words.
TEXT_USER = PathNode("User", "you", "User:(text)")


@dataclass
class Likeness:
    """Why two items are alike: the attributes both have (as item–attribute–item paths,
    strongest first, each with what its links carry of the score a user who liked only
    the first item gives the second; one that lowers it last, with a negative score), how
    many users had both, and whether their texts are linked as alike."""

    paths: list[GraphPath]
    fellows: int
    text: bool


class Explainer:
    """Paths for the terms of ``scorer``'s scores."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer, self.gt = scorer, scorer.gt
        self.paths = PathScorer(scorer.gt, scorer.prop.norm, scorer.relations)

    def explanations(
        self, user: PathNode, state: UserState, items: list[int], top: int
    ) -> list[Explanation]:
        """Each of ``items``' (item positions) score split exactly over the user's edges
        (a liked item's GNN and filter terms add up into one path) and its ``top`` paths,
        all items at once."""
        positions = torch.tensor(items, dtype=torch.long)
        terms = self.scorer.terms(state, positions)
        if not len(terms.value):
            return [Explanation(float(r)) for r in terms.rest]
        return self.paths.explain_terms(
            user,
            self.gt.items[positions],
            terms.of,
            terms.via,
            terms.rel,
            terms.value,
            top,
            terms.rest,
            lambda links: -self.scorer.link_effects(state, links),
        )

    def score_without(self, state: UserState, item: int, path: GraphPath | None = None) -> float:
        """The model's score of ``item`` (a position) with ``path``'s end edges deleted: the
        user's edge to the path's second node and the item's edge to the node before it
        (``Scorer.score_without``). ``path=None``: the score with nothing deleted."""
        if path is None:
            return self.scorer.score_without(state, item)
        first = self.paths.index[path.nodes[1].node_id]
        last = self.paths.index[path.nodes[-2].node_id]
        return self.scorer.score_without(state, item, first, last)

    def likeness(self, item: int, others: list[int], top: int = 3) -> list[Likeness]:
        """Why each of ``others`` (item positions) is like ``item``: the ``top`` shared
        attributes by how much their links carry for someone who liked only ``item``
        (``Scorer.link_effects``), the users who had both, a text link."""
        scorer, gt = self.scorer, self.gt
        node = int(gt.items[item])
        interacted = scorer.relation("INTERACTED")
        state = scorer.state_with(
            scorer.fitted.model.ego_of_text(None),
            torch.tensor([node]),
            torch.tensor([interacted]),
            torch.ones(1, dtype=torch.bool),
            items=torch.tensor([item]),
            weights=torch.ones(1),
        )
        nodes = gt.items[torch.tensor(others, dtype=torch.long)].numpy()
        shared = self.paths.shared_attributes(
            node, nodes, lambda links: -scorer.link_effects(state, links)
        )
        users = self.paths.is_user
        mine = {int(v) for v in self.paths.neighbours(node).tolist() if users[int(v)]}
        hit, at = self.paths.find_edges(node * gt.num_nodes + nodes)
        text = hit & (self.paths.rel[at] == self.paths.relations.index(SIMILAR_TEXT))
        first = self.paths.node(node)
        out = []
        for k, other in enumerate(nodes.tolist()):
            theirs = {int(v) for v in self.paths.neighbours(other).tolist() if users[int(v)]}
            # the links that raise the score, strongest first, then the one that lowers
            # it most (the filter can weigh a common attribute against the pair)
            up = [t for t in shared[k] if t[3] > 0][:top]
            down = [t for t in shared[k] if t[3] < 0][-1:]
            paths = [
                GraphPath((first, self.paths.node(a), self.paths.node(other)), (r1, r2), c)
                for a, r1, r2, c in up + down
            ]
            out.append(Likeness(paths, len(mine & theirs), bool(text[k])))
        return out
