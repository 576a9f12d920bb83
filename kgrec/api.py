"""The public Python API: :class:`Recommender`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from torch_geometric.utils import scatter

from kgrec.config import PipelineConfig, load_config
from kgrec.errors import NotBuiltError, UnknownIdError
from kgrec.extract.encoder import TextEncoder
from kgrec.extract.extractor import Extractor
from kgrec.graph.export import GraphTensors, to_tensors
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.models.checkpoint import load_checkpoint
from kgrec.models.fusion import FusionGNN
from kgrec.models.train import propagate
from kgrec.reasoning.paths import Neighbourhood, PathNode, PathScorer
from kgrec.reasoning.paths import Path as GraphPath
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
        model: FusionGNN,
        work_dir: Path,
    ) -> None:
        self.config, self.kg, self.gt, self.model, self.work_dir = config, kg, gt, model, work_dir
        with torch.inference_mode():
            self.prop = propagate(model, gt, torch.device("cpu"))
        self.scorer = PathScorer(gt, self.prop, model.num_layers)
        self._index = self.scorer.index
        self._item_pos = {gt.node_ids[int(i)]: k for k, i in enumerate(gt.items)}
        self._item_final = self.prop.final[gt.items]
        inter = kg.edges[kg.edges["rel"] == "INTERACTED"]
        self._seen: dict[str, list[int]] = {
            str(u): [self._item_pos[i] for i in group] for u, group in inter.groupby("src")["dst"]
        }

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
        model, _ = load_checkpoint(work_dir / CHECKPOINT_FILE, gt)
        return cls(config, kg, gt, model, work_dir)

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
        """The top ``k`` items for a known user, each with paths and a sentence."""
        user = self._node("User", user_id)
        hood = self.scorer.neighbourhood(user)
        seen = self._seen.get(self.gt.node_ids[user], []) if exclude_seen else []
        return self._rank(hood, self.prop.final[user], k, explain, seen)

    def explain(self, user_id: str, item_id: str, top: int = 5) -> Recommendation:
        """Why ``item_id`` scores as it does for ``user_id`` (recommended or not).

        ``rank`` is the item's position among the user's unseen items (0 if seen)."""
        user, item = self._node("User", user_id), self._node("Item", item_id)
        hood = self.scorer.neighbourhood(user)
        scores = self._item_final @ self.prop.final[user]
        seen = self._seen.get(self.gt.node_ids[user], [])
        pos = self._item_pos[self.gt.node_ids[item]]
        if pos in seen:
            rank = 0
        else:
            scores[seen] = -torch.inf
            rank = int((scores > scores[pos]).sum()) + 1
        return self._recommendation(hood, self.prop.final[user], item, rank, True, top)

    def recommend_for_text(
        self, text: str, k: int = 10, explain: bool = True
    ) -> list[Recommendation]:
        """Recommendations for someone known only by a sentence in their own words."""
        hood, final = self._text_user(text)
        return self._rank(hood, final, k, explain, [])

    def similar_items(self, item_id: str, k: int = 10) -> list[Recommendation]:
        """Items whose final embeddings are closest (cosine) to ``item_id``'s."""
        item = self._node("Item", item_id)
        emb = torch.nn.functional.normalize(self._item_final, dim=1)
        sims = emb @ emb[self._item_pos[self.gt.node_ids[item]]]
        sims[self._item_pos[self.gt.node_ids[item]]] = -torch.inf
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

    @torch.inference_mode()
    def _rank(
        self, hood: Neighbourhood, final: torch.Tensor, k: int, explain: bool, seen: list[int]
    ) -> list[Recommendation]:
        scores = self._item_final @ final
        if seen:
            scores[seen] = -torch.inf
        top = torch.topk(scores, min(k, int(torch.isfinite(scores).sum()))).indices.tolist()
        return [
            self._recommendation(hood, final, int(self.gt.items[p]), rank, explain)
            for rank, p in enumerate(top, start=1)
        ]

    def _recommendation(
        self,
        hood: Neighbourhood,
        final: torch.Tensor,
        item: int,
        rank: int,
        explain: bool,
        top: int = 5,
    ) -> Recommendation:
        key = self.gt.node_ids[item].removeprefix("Item:")
        if not explain:
            score = float(final @ self.prop.final[item])
            return Recommendation(key, self.gt.names[item], score, rank)
        exp = self.scorer.explain(hood, item, top=top, user_final=final)
        return Recommendation(
            key, self.gt.names[item], exp.score, rank, explanation_sentence(exp.paths), exp.paths
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
