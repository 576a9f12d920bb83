"""The public Python API: :class:`Recommender`."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from kgrec.config import PipelineConfig, load_config
from kgrec.errors import ArgumentError, DataError, UnknownIdError
from kgrec.graph.export import GraphTensors
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.models.fit import KgrecFit
from kgrec.models.fusion import Propagated
from kgrec.models.scorer import UserState
from kgrec.reasoning.explainer import TEXT_USER
from kgrec.reasoning.profile import UserProfile, build_profile
from kgrec.reasoning.ranker import Ranker, Recommendation, graph_histories
from kgrec.trained import Trained

if TYPE_CHECKING:  # spaCy and transformers load on the first sentence, not at import
    from kgrec.extract.extractor import Extractor

__all__ = ["Recommendation", "Recommender", "recommendations_json"]


class Recommender:
    """Recommendations with explanations from a pipeline's trained model and graph.

    Build with :meth:`from_pipeline` or :meth:`load`; the constructor does no I/O.
    """

    def __init__(
        self,
        config: PipelineConfig,
        kg: KnowledgeGraph,
        gt: GraphTensors,
        fitted: KgrecFit,
        work_dir: Path,
        propagated: Propagated | None = None,
    ) -> None:
        self.config, self.kg, self.gt, self.work_dir = config, kg, gt, work_dir
        self.fitted, self.model = fitted, fitted.model
        self.ranker = Ranker(gt, fitted, propagated)
        self.scorer = self.ranker.scorer
        self._index = {n: k for k, n in enumerate(gt.node_ids)}
        self._histories = graph_histories(kg, gt, fitted.half_life)

    # --- construction ---------------------------------------------------------------
    @classmethod
    def load(cls, work_dir: str | Path) -> Recommender:
        """Load what a pipeline run left in ``work_dir``."""
        t = Trained.load(work_dir)
        return cls(t.config, t.kg, t.gt, t.fitted, t.work_dir, t.propagated)

    @classmethod
    def from_pipeline(cls, path: str | Path) -> Recommender:
        """Load the results of the pipeline file at ``path`` (run it first)."""
        return cls.load(load_config(path).resolved_work_dir())

    # --- ids ------------------------------------------------------------------------
    def user_ids(self) -> list[str]:
        """Ids of every user in the graph."""
        return [self.gt.node_ids[int(i)].removeprefix("User:") for i in self.gt.users]

    def item_ids(self) -> list[str]:
        """Ids of every item in the graph."""
        return [self.gt.node_ids[int(i)].removeprefix("Item:") for i in self.gt.items]

    def history(self, user_id: str) -> dict[str, float]:
        """A user's items (ids) and each one's weight in their history row (recency-faded
        where the model chose a half-life)."""
        items, weights = self._history(self._node("User", user_id))
        return {self.ranker.item_key(int(i)): float(w) for i, w in zip(items, weights, strict=True)}

    def _node(self, label: str, key: str) -> int:
        idx = self._index.get(node_id(label, key))
        if idx is None:
            raise UnknownIdError(
                f"unknown {label.lower()} id {key!r}; see "
                f"Recommender.{label.lower()}_ids() for the known ones"
            )
        return idx

    def _item(self, item_id: str) -> int:
        """The position of an item id."""
        return int(self.scorer.links.item_pos[self._node("Item", item_id)])

    def _history(self, user: int) -> tuple[torch.Tensor, torch.Tensor]:
        empty = (torch.zeros(0, dtype=torch.long), torch.zeros(0))
        return self._histories.get(self.gt.node_ids[user], empty)

    def state(self, user_id: str) -> UserState:
        """What ``user_id``'s scores are computed from (``kgrec.models.scorer``)."""
        user = self._node("User", user_id)
        return self.scorer.state(user, *self._history(user))

    # --- recommending ---------------------------------------------------------------
    def recommend(
        self, user_id: str, k: int = 10, explain: bool = True, exclude_seen: bool = True
    ) -> list[Recommendation]:
        """The top ``k`` items for a known user, each with paths and a sentence. A user with
        no history yet is recommended what their friends had, where the data has friends."""
        _check_k(k)
        user = self._node("User", user_id)
        return self.ranker.top(
            self.ranker.node(user), self.state(user_id), k, explain, exclude_seen
        )

    def explain(self, user_id: str, item_id: str, top: int = 5) -> Recommendation:
        """Why ``item_id`` scores as it does for ``user_id`` (recommended or not).

        ``rank`` is the item's position among the user's unseen items (0 if seen)."""
        user = self._node("User", user_id)
        state = self.state(user_id)
        return self.ranker.why(self.ranker.node(user), state, self._item(item_id), top)

    def recommend_for_text(
        self, text: str, k: int = 10, explain: bool = True
    ) -> list[Recommendation]:
        """Recommendations for someone known only by a sentence in their own words: the
        attributes they say they like stand in for a history, those they say they
        dislike count against the items that have them."""
        _check_k(k)
        return self.ranker.top(TEXT_USER, self.text_state(text), k, explain)

    @torch.inference_mode()
    def text_state(self, text: str) -> UserState:
        """The inputs of someone known only by ``text``: LIKES edges to the graph's
        attributes they name positively (what the GNN's embedding sums over, beside
        their sentence's projected text), and every attribute they name with its sign."""
        mentions = self._extractor.extract([text])[0]
        signs: dict[int, float] = {}
        for m in mentions:
            idx = self._index.get(node_id(m.kind, m.canonical))
            if idx is not None and m.polarity != 0:
                signs[idx] = 1.0 if m.polarity > 0 else -1.0
        said = torch.tensor(sorted(signs), dtype=torch.long)
        sign = torch.tensor([signs[int(i)] for i in said])
        liked = said[sign > 0]
        vec = torch.as_tensor(self._extractor.encoder.encode([text]))[0]
        model = self.model
        ego = (
            model.text_proj(vec)
            if model.text_proj is not None
            else torch.zeros(model.id_emb.embedding_dim)
        )
        return self.scorer.state_with(
            ego,
            liked,
            torch.full((len(liked),), self.scorer.relation("LIKES"), dtype=torch.long),
            torch.ones(len(liked), dtype=torch.bool),
            said=said,
            said_sign=sign,
        )

    def profile(self, user_id: str, top: int = 8, windows: int = 4) -> UserProfile:
        """The attributes ``user_id`` leans to now (their items' attributes, recent items
        weighing more: the model's half-life, or 20 interactions where it is static) and
        each one's share of the user's items in ``windows`` consecutive time windows."""
        user = self._node("User", user_id)
        inter = self.kg.edges[
            (self.kg.edges["rel"] == "INTERACTED")
            & (self.kg.edges["src"] == self.gt.node_ids[user])
        ]
        if inter["timestamp"].isna().any():
            raise DataError(
                f"user {user_id!r}: interactions without timestamps; a profile over time "
                "needs a timestamp column in the interactions"
            )
        items = [self._index[i] for i in inter["dst"]]
        paths = self.ranker.explainer.paths

        def attributes_of(item: int) -> list[tuple[str, str, str]]:
            out = []
            for n in paths.neighbours(item).tolist():
                label = str(self.gt.labels[n])
                if label not in ("User", "Item"):
                    out.append((self.gt.node_ids[n], label, self.gt.names[n]))
            return out

        return build_profile(
            user_id,
            items,
            inter["timestamp"].to_numpy(dtype=np.int64),
            attributes_of,
            self.fitted.half_life,
            top,
            windows,
        )

    def similar_items(self, item_id: str, k: int = 10) -> list[Recommendation]:
        """Items most like ``item_id``: by the item filter's weights where the model has
        one (what liking this item says about others), else by cosine of final embeddings."""
        _check_k(k)
        pos = self._item(item_id)
        sims = self.scorer.similar(pos)
        sims[pos] = -torch.inf
        top = torch.topk(sims, min(k, len(sims) - 1)).indices.tolist()
        title = self.ranker.title(pos)
        return [
            Recommendation(
                self.ranker.item_key(p),
                self.ranker.title(p),
                float(sims[p]),
                rank,
                f"Similar to *{title}*.",
            )
            for rank, p in enumerate(top, start=1)
        ]

    # --- internals ------------------------------------------------------------------
    @cached_property
    def _extractor(self) -> Extractor:
        from kgrec.extract.encoder import TextEncoder
        from kgrec.extract.extractor import Extractor

        nodes = self.kg.nodes
        attrs = nodes[~nodes["label"].isin(["User", "Item"])]
        anchors = {str(k): list(g["name"]) for k, g in attrs.groupby("label")}
        titles = list(nodes.loc[nodes["label"] == "Item", "name"])
        encoder = TextEncoder.from_pretrained(
            self.config.extract.encoder_model,
            self.config.extract.device,
            self.config.extract.encoder_batch_size,
        )
        return Extractor.from_config(
            # one text at a time: worker processes would cost more than they save
            self.config.extract.model_copy(update={"n_process": 1}),
            anchors=anchors,
            encoder=encoder,
            known_names={"TITLE": titles, "Person": anchors.get("Person", [])},
        )


def _check_k(k: int) -> None:
    if k < 1:
        raise ArgumentError(f"k must be at least 1 (got {k}): ask for one or more items")


def recommendations_json(recs: list[Recommendation]) -> str:
    """JSON text for a list of recommendations."""
    return json.dumps([r.to_dict() for r in recs], ensure_ascii=False, indent=2)
