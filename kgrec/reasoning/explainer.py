"""Explanations of a fitted model's scores: the exact terms of ``kgrec.models.scorer``
shown as graph paths (``kgrec.reasoning.paths``). Computes no score itself. Used by
:class:`kgrec.api.Recommender`, the pipeline's recommend stage and the explanation
metrics of ``kgrec.evaluation.explanations``."""

from __future__ import annotations

import torch

from kgrec.models.scorer import Scorer, UserState
from kgrec.reasoning.paths import Explanation, PathNode, PathScorer
from kgrec.reasoning.paths import Path as GraphPath

#: How a user stands on a path when they are known only by their words.
TEXT_USER = PathNode("User", "you", "User:(text)")


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
