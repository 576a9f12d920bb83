"""A trained pipeline with items added online: its graph, tensors, filter and propagation
extended in place of a refit.

The graph gains the batch's nodes and edges after its own, so every node index and item
position the model, the live state and the users' histories hold stays valid; the item
filter gains the new items' rows and columns by the exact bordered inverse
(:meth:`~kgrec.models.item_filter.ItemFilter.with_items`), and the GNN's propagation
their embeddings from their edges (:func:`~kgrec.models.fusion.extend_propagated`).
The new items have no interactions, so they are scored as cold items are: through
their attributes, their text and their text links.

The Gram matrix the filter inverted is rebuilt from the served graph's interactions: the
same as the model's where it was refitted on all of them (``[model] refit``, the
default); with ``refit = false`` the filter saw the train split only, and the new items'
weights are then those of a filter over every interaction (close, not equal).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import torch

from kgrec.errors import NotBuiltError
from kgrec.graph.export import GraphTensors, to_tensors
from kgrec.graph.kg import KnowledgeGraph
from kgrec.live.items import ItemBatch
from kgrec.models.fusion import extend_propagated, propagate
from kgrec.models.item_filter import GramOperator
from kgrec.trained import Trained


def text_frame(t: Trained) -> pd.DataFrame:
    """The text embeddings of ``t``'s nodes that have one (``node_id``, ``vec``)."""
    rows = torch.nonzero(t.gt.has_text[:, 0]).flatten()
    return pd.DataFrame(
        {"node_id": [t.gt.node_ids[r] for r in rows.tolist()], "vec": list(t.gt.text[rows].numpy())}
    )


def interactions(gt: GraphTensors) -> torch.Tensor:
    """The (user position, item position) pairs of ``gt``'s INTERACTED edges."""
    if "INTERACTED" not in gt.relations:
        return torch.zeros(0, 2, dtype=torch.long)
    user_pos = torch.full((gt.num_nodes,), -1, dtype=torch.long)
    user_pos[gt.users] = torch.arange(len(gt.users))
    item_pos = torch.full((gt.num_nodes,), -1, dtype=torch.long)
    item_pos[gt.items] = torch.arange(len(gt.items))
    src, dst = gt.edge_index
    mine = (gt.edge_type == gt.relations.index("INTERACTED")) & (user_pos[src] >= 0)
    return torch.stack([user_pos[src[mine]], item_pos[dst[mine]]], dim=1)


def with_batch(t: Trained, batch: ItemBatch) -> Trained:
    """``t`` with ``batch``'s items recommendable (module docstring)."""
    kg = KnowledgeGraph(
        pd.concat([t.kg.nodes, batch.nodes], ignore_index=True),
        pd.concat([t.kg.edges, batch.edges], ignore_index=True),
    )
    emb = pd.concat(
        [
            text_frame(t),
            pd.DataFrame({"node_id": list(batch.vectors), "vec": list(batch.vectors.values())}),
        ],
        ignore_index=True,
    )
    gt = to_tensors(
        kg,
        emb,
        relations=t.gt.relations,
        use_attributes=t.config.model.use_attributes,
        drop_kinds=t.config.model.drop_kinds,
        text_dim=t.gt.text.size(1),
    )
    fitted = t.fitted
    if fitted.filter is not None:
        if fitted.filter.settings is None:
            raise NotBuiltError(
                f"the model in {t.work_dir} was saved by an older kgrec, without what adding "
                "items needs: run `kgrec refit` (or the pipeline's train stage) once"
            )
        settings = fitted.filter.settings
        n_old = len(t.gt.items)
        cols = GramOperator.of(gt, interactions(gt), settings).columns(
            torch.arange(n_old, len(gt.items))
        )
        old = GramOperator.of(t.gt, interactions(t.gt), settings)  # the G the filter inverted
        filt = fitted.filter.with_items(
            cols[:n_old], cols[n_old:], t.config.model.filter_keep, old.solve
        )
        fitted = replace(fitted, filter=filt)
    prop = t.propagated
    if prop is None:
        with torch.inference_mode():
            prop = propagate(fitted.model, t.gt, torch.device("cpu"))
    return replace(
        t, kg=kg, gt=gt, fitted=fitted, propagated=extend_propagated(fitted.model, prop, gt)
    )
