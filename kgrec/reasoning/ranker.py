"""Explained top-k lists: a user's scores from the one Scorer, ranked, each item with its
paths and a sentence. What the API serves and the pipeline's recommend stage writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from kgrec.graph.export import GraphTensors
from kgrec.graph.kg import KnowledgeGraph
from kgrec.models.fit import KgrecFit
from kgrec.models.fusion import Propagated
from kgrec.models.recency import recency_weights
from kgrec.models.scorer import Scorer, UserState
from kgrec.reasoning.explainer import Explainer
from kgrec.reasoning.paths import Explanation, PathNode
from kgrec.reasoning.paths import Path as GraphPath
from kgrec.reasoning.text import explanation_sentence


@dataclass
class Recommendation:
    """One recommended item with its score, rank, explanation sentence and paths."""

    item_id: str
    title: str
    score: float
    rank: int
    text: str = ""
    paths: list[GraphPath] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "item_id": self.item_id,
            "title": self.title,
            "score": self.score,
            "rank": self.rank,
            "text": self.text,
            "paths": [p.to_dict() for p in self.paths],
        }


def graph_histories(
    kg: KnowledgeGraph, gt: GraphTensors, half_life: float | None
) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Per user node id, the item positions they had and each one's weight in their
    history (recency-faded where the model chose a half-life and the graph has times)."""
    item_pos = {gt.node_ids[int(i)]: k for k, i in enumerate(gt.items)}
    inter = kg.edges[kg.edges["rel"] == "INTERACTED"]
    faded = half_life is not None and bool(inter["timestamp"].notna().all())
    out: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for user, group in inter.groupby("src"):
        items = torch.tensor([item_pos[i] for i in group["dst"]], dtype=torch.long)
        if faded:
            assert half_life is not None
            times = group["timestamp"].to_numpy(dtype=np.int64)
            w = recency_weights(np.zeros(len(group), dtype=np.int64), times, half_life)
            weights = torch.as_tensor(w, dtype=torch.float32)
        else:
            weights = torch.ones(len(items))
        out[str(user)] = (items, weights)
    return out


class Ranker:
    """Top-k lists and explanations of a fitted model over its graph."""

    def __init__(
        self, gt: GraphTensors, fitted: KgrecFit, propagated: Propagated | None = None
    ) -> None:
        self.gt = gt
        self.scorer = Scorer(fitted, gt, propagated)
        self.explainer = Explainer(self.scorer)

    def node(self, index: int) -> PathNode:
        """The PathNode of a graph node index."""
        return self.explainer.paths.node(index)

    @torch.inference_mode()
    def top(
        self,
        user: PathNode,
        state: UserState,
        k: int,
        explain: bool = True,
        exclude_seen: bool = True,
    ) -> list[Recommendation]:
        """The ``k`` best items for ``state`` (its history excluded unless
        ``exclude_seen`` is false), explained with up to 5 paths each."""
        items, scores = self.candidates(state, k, exclude_seen)
        return self.present(user, state, items, scores, range(1, len(items) + 1), explain)

    @torch.inference_mode()
    def candidates(
        self, state: UserState, n: int, exclude_seen: bool = True
    ) -> tuple[list[int], list[float]]:
        """The ``n`` best item positions for ``state`` and their scores, best first."""
        scores = self.scorer.scores(state)
        if exclude_seen and len(state.items):
            scores[state.items] = -torch.inf
        top = torch.topk(scores, min(n, int(torch.isfinite(scores).sum())))
        return top.indices.tolist(), top.values.tolist()

    @torch.inference_mode()
    def present(
        self,
        user: PathNode,
        state: UserState,
        items: Sequence[int],
        scores: Sequence[float],
        ranks: Iterable[int],
        explain: bool = True,
    ) -> list[Recommendation]:
        """Item positions ``items`` in this order, with their scores and ranks, explained
        with up to 5 paths each where ``explain``."""
        if not explain:
            return [
                Recommendation(self.item_key(p), self.title(p), float(s), rank)
                for p, s, rank in zip(items, scores, ranks, strict=False)
            ]
        exps = self.explainer.explanations(user, state, list(items), 5)
        return [self.explained(p, rank, e) for p, e, rank in zip(items, exps, ranks, strict=False)]

    @torch.inference_mode()
    def why(self, user: PathNode, state: UserState, item: int, top: int = 5) -> Recommendation:
        """Why ``item`` (a position) scores as it does; ``rank`` is its place among the
        items not in the history (0 if it is in the history)."""
        scores = self.scorer.scores(state)
        if bool((state.items == item).any()):
            rank = 0
        else:
            scores[state.items] = -torch.inf
            rank = int((scores > scores[item]).sum()) + 1
        exp = self.explainer.explanations(user, state, [item], top)[0]
        return self.explained(item, rank, exp, alone=True)

    def item_key(self, pos: int) -> str:
        """The item id (without label) of an item position."""
        return self.gt.node_ids[int(self.gt.items[pos])].removeprefix("Item:")

    def title(self, pos: int) -> str:
        """The display name of an item position."""
        return self.gt.names[int(self.gt.items[pos])]

    def explained(
        self, pos: int, rank: int, exp: Explanation, alone: bool = False
    ) -> Recommendation:
        """A Recommendation of item position ``pos`` from its explanation; ``alone``: one
        item asked about, not a place in a list, so its sentence says how low it ranks."""
        return Recommendation(
            self.item_key(pos),
            self.title(pos),
            exp.score,
            rank,
            explanation_sentence(exp.paths, rank=rank if alone else None),
            exp.paths,
        )
