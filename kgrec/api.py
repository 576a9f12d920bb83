"""The public Python API: :class:`Recommender`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch_geometric.utils import scatter

from kgrec.config import PipelineConfig, load_config
from kgrec.errors import DataError, NotBuiltError, UnknownIdError
from kgrec.extract.encoder import TextEncoder
from kgrec.extract.extractor import Extractor
from kgrec.graph.export import GraphTensors, to_tensors
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.models.checkpoint import load_checkpoint
from kgrec.models.fit import KgrecFit
from kgrec.models.recency import recency_weights
from kgrec.reasoning.explainer import Explainer
from kgrec.reasoning.paths import Explanation, Neighbourhood, PathNode
from kgrec.reasoning.paths import Path as GraphPath
from kgrec.reasoning.profile import UserProfile, build_profile
from kgrec.reasoning.text import explanation_sentence

#: Artifacts of a pipeline run, relative to its work directory.
CONFIG_FILE = "pipeline.json"
GRAPH_DIR = "graph"
EMBEDDINGS_FILE = "graph/embeddings.parquet"
CHECKPOINT_FILE = "model/checkpoint.pt"
ENCODER_CACHE = "cache/encoder.parquet"


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
    ) -> None:
        self.config, self.kg, self.gt, self.work_dir = config, kg, gt, work_dir
        self.fitted, self.model = fitted, fitted.model
        self.explainer = Explainer(gt, fitted)
        self.prop, self.scorer = self.explainer.prop, self.explainer.scorer
        self._index = self.scorer.index
        self._item_pos = self.explainer.item_pos
        self._item_final = self.explainer.item_final
        inter = kg.edges[kg.edges["rel"] == "INTERACTED"]
        self._seen: dict[str, list[int]] = {
            str(u): [self._item_pos[i] for i in group] for u, group in inter.groupby("src")["dst"]
        }
        # each seen item's weight in the user's history row (recency-faded where timed)
        self._seen_weight: dict[str, np.ndarray] = {}
        if fitted.half_life is not None and inter["timestamp"].notna().all():
            for u, group in inter.groupby("src"):
                times = group["timestamp"].to_numpy(dtype=np.int64)
                users = np.zeros(len(group), dtype=np.int64)
                self._seen_weight[str(u)] = recency_weights(users, times, fitted.half_life)

    # --- construction ---------------------------------------------------------------
    @classmethod
    def load(cls, work_dir: str | Path) -> Recommender:
        """Load what a pipeline run left in ``work_dir``."""
        work_dir = Path(work_dir)
        cfg_file = work_dir / CONFIG_FILE
        if not (cfg_file.exists() and (work_dir / CHECKPOINT_FILE).exists()):
            raise NotBuiltError(
                f"nothing trained in {work_dir}: run `kgrec demo` (the sample) or "
                "`kgrec run PIPELINE.toml` first"
            )
        config = PipelineConfig.model_validate_json(cfg_file.read_text(encoding="utf-8"))
        kg = KnowledgeGraph.load(work_dir / GRAPH_DIR)
        emb = pd.read_parquet(work_dir / EMBEDDINGS_FILE)
        probe = torch.load(work_dir / CHECKPOINT_FILE, map_location="cpu", weights_only=True)
        gt = to_tensors(
            kg,
            emb,
            relations=probe["relations"],
            use_attributes=config.model.use_attributes,
            text_dim=len(emb["vec"].iloc[0]) if len(emb) else 384,
        )
        fitted, _ = load_checkpoint(work_dir / CHECKPOINT_FILE, gt)
        return cls(config, kg, gt, fitted, work_dir)

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

    def _node(self, label: str, key: str) -> int:
        idx = self._index.get(node_id(label, key))
        if idx is None:
            raise UnknownIdError(
                f"unknown {label.lower()} id {key!r}; see "
                f"Recommender.{label.lower()}_ids() for the known ones"
            )
        return idx

    # --- recommending ---------------------------------------------------------------
    def recommend(
        self, user_id: str, k: int = 10, explain: bool = True, exclude_seen: bool = True
    ) -> list[Recommendation]:
        """The top ``k`` items for a known user, each with paths and a sentence. A user with
        no history yet is recommended what their friends had, where the data has friends."""
        user = self._node("User", user_id)
        hood = self.scorer.neighbourhood(user)
        liked = self._history(user)
        friends = None if liked else self._friends(hood)
        return self._rank(
            hood, self.prop.final[user], k, explain, liked, exclude_seen, friends=friends
        )

    def explain(self, user_id: str, item_id: str, top: int = 5) -> Recommendation:
        """Why ``item_id`` scores as it does for ``user_id`` (recommended or not).

        ``rank`` is the item's position among the user's unseen items (0 if seen)."""
        user, item = self._node("User", user_id), self._node("Item", item_id)
        hood = self.scorer.neighbourhood(user)
        seen = self._history(user)
        friends = None if seen else self._friends(hood)
        scores = self.explainer.scores(self.prop.final[user], seen, friends=friends)
        pos = self._item_pos[self.gt.node_ids[item]]
        if pos in seen:
            rank = 0
        else:
            scores[list(seen)] = -torch.inf
            rank = int((scores > scores[pos]).sum()) + 1
        final = self.prop.final[user]
        exp = self.explainer.explanations(hood, final, seen, [item], top, friends=friends)[0]
        return self._explained(item, rank, exp)

    def recommend_for_text(
        self, text: str, k: int = 10, explain: bool = True
    ) -> list[Recommendation]:
        """Recommendations for someone known only by a sentence in their own words."""
        hood, final = self._text_user(text)
        return self._rank(hood, final, k, explain, {}, True, said=hood.neighbours)

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

        def attributes_of(item: int) -> list[tuple[str, str, str]]:
            hood = self.scorer.neighbourhood(item)
            out = []
            for n in hood.neighbours.tolist():
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
        item = self._node("Item", item_id)
        pos = self._item_pos[self.gt.node_ids[item]]
        if self.fitted.filter is not None:
            x = torch.zeros(1, len(self.gt.items))
            x[0, pos] = 1.0
            sims = self.fitted.filter.scores(x)[0]
        else:
            emb = torch.nn.functional.normalize(self._item_final, dim=1)
            sims = emb @ emb[pos]
        sims[pos] = -torch.inf
        top = torch.topk(sims, min(k, len(sims) - 1)).indices.tolist()
        title = self.gt.names[item]
        return [
            Recommendation(
                self._item_key(p),
                self.gt.names[int(self.gt.items[p])],
                float(sims[p]),
                rank,
                f"Similar to *{title}*.",
            )
            for rank, p in enumerate(top, start=1)
        ]

    # --- internals ------------------------------------------------------------------
    def _item_key(self, pos: int) -> str:
        return self.gt.node_ids[int(self.gt.items[pos])].removeprefix("Item:")

    def _friends(self, hood: Neighbourhood) -> torch.Tensor:
        """A user's friends (user nodes): who stands in for a user with no history."""
        return hood.neighbours[self.scorer.is_user[hood.neighbours]]

    def _history(self, user: int) -> dict[int, float]:
        """A known user's items (positions) and each one's weight in their history row."""
        key = self.gt.node_ids[user]
        items = self._seen.get(key, [])
        weights = self._seen_weight.get(key)
        if weights is None:
            return dict.fromkeys(items, 1.0)
        return {i: float(w) for i, w in zip(items, weights, strict=True)}

    @torch.inference_mode()
    def _rank(
        self,
        hood: Neighbourhood,
        final: torch.Tensor,
        k: int,
        explain: bool,
        liked: dict[int, float],
        exclude_seen: bool,
        said: torch.Tensor | None = None,
        friends: torch.Tensor | None = None,
    ) -> list[Recommendation]:
        scores = self.explainer.scores(final, liked, said, friends)
        if exclude_seen and liked:
            scores[list(liked)] = -torch.inf
        top = torch.topk(scores, min(k, int(torch.isfinite(scores).sum()))).indices.tolist()
        items = [int(self.gt.items[p]) for p in top]
        if not explain:
            return [
                Recommendation(self._item_key(p), self.gt.names[i], float(scores[p]), rank)
                for rank, (p, i) in enumerate(zip(top, items, strict=True), start=1)
            ]
        exps = self.explainer.explanations(hood, final, liked, items, 5, said, friends)
        return [
            self._explained(i, rank, e)
            for rank, (i, e) in enumerate(zip(items, exps, strict=True), start=1)
        ]

    def _explained(self, item: int, rank: int, exp: Explanation) -> Recommendation:
        return Recommendation(
            self.gt.node_ids[item].removeprefix("Item:"),
            self.gt.names[item],
            exp.score,
            rank,
            explanation_sentence(exp.paths),
            exp.paths,
        )

    @cached_property
    def _extractor(self) -> Extractor:
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

    @torch.inference_mode()
    def _text_user(self, text: str) -> tuple[Neighbourhood, torch.Tensor]:
        mentions = self._extractor.extract([text])[0]
        liked = {node_id(m.kind, m.canonical) for m in mentions if m.polarity > 0}
        nbrs = sorted(self._index[n] for n in liked if n in self._index)
        rel = self.gt.relations.index("LIKES") if "LIKES" in self.gt.relations else 0
        beta = self.model.relation_weights()[rel]
        deg = scatter(
            self.model.relation_weights()[self.gt.edge_type],
            self.gt.edge_index[0],
            dim=0,
            dim_size=self.gt.num_nodes,
            reduce="sum",
        )
        idx = torch.as_tensor(nbrs, dtype=torch.long)
        norms = beta / torch.sqrt(beta * len(nbrs) * (deg[idx] + beta)) if nbrs else torch.zeros(0)
        vec = torch.as_tensor(self._extractor.encoder.encode([text]))[0]
        ego = (
            self.model.text_proj(vec)
            if self.model.text_proj is not None
            else torch.zeros(self.model.id_emb.embedding_dim)
        )
        alpha = 1.0 / (self.model.num_layers + 1)
        final = alpha * ego + (norms[:, None] * self.prop.sent[idx]).sum(0)
        hood = Neighbourhood(
            PathNode("User", "you", "User:(text)"),
            ego,
            idx,
            norms,
            torch.full((len(nbrs),), rel, dtype=torch.long),
        )
        return hood, final


def recommendations_json(recs: list[Recommendation]) -> str:
    """JSON text for a list of recommendations."""
    return json.dumps([r.to_dict() for r in recs], ensure_ascii=False, indent=2)
