"""Item–item links by text: each item's nearest items by the cosine of their text
embeddings, as ``(:Item)-[:SIMILAR_TEXT {weight: cosine}]->(:Item)`` edges.

The item filter scores items partly by text similarity (``kgrec.models.item_filter``);
these edges make that reason a path in the graph that explanations can name and Cypher
can match. They are evidence, not structure: the GNN does not propagate over them
(``kgrec.graph.export``). They depend on item texts only, never on interactions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from kgrec.graph.kg import KnowledgeGraph

#: The relationship type of the text links.
SIMILAR_TEXT = "SIMILAR_TEXT"
#: Each item's nearest items by text that get a link.
TEXT_NEIGHBOURS = 10
#: Items less alike than this get no link, however near they are.
MIN_COSINE = 0.3
#: Items at least this alike are linked, however many nearer items each has (in a crowded
#: corner of the text space, e.g. artists known only by names in one script, an item's
#: tenth-nearest is still far more alike than most pairs).
ALIKE_COSINE = 0.6
#: At most this many links per item from ALIKE_COSINE, the nearest first.
MAX_ALIKE = 200


def text_link_edges(
    item_ids: list[str],
    vectors: np.ndarray,
    neighbours: int = TEXT_NEIGHBOURS,
    min_cosine: float = MIN_COSINE,
    alike: float = ALIKE_COSINE,
    block: int = 2048,
    start_at: int = 0,
) -> pd.DataFrame:
    """Edges from each item to its ``neighbours`` nearest items by cosine (at least
    ``min_cosine``) and to every item at least ``alike`` (up to ``MAX_ALIKE``, nearest
    first); a pair linked both ways gets one edge, from the smaller id. With
    ``start_at``, only the items from that position on look for their neighbours (items
    added to a graph that has its links: O(new × all), not O(all²))."""
    n = len(item_ids)
    k = min(max(neighbours, MAX_ALIKE), n - 1)
    if k <= 0:
        return pd.DataFrame(columns=["src", "rel", "dst", "weight"])
    unit = torch.nn.functional.normalize(torch.as_tensor(vectors, dtype=torch.float32), dim=1)
    rows, cols, sims = [torch.zeros(0, dtype=torch.long)], [torch.zeros(0, dtype=torch.long)], []
    sims.append(torch.zeros(0))
    for start in range(start_at, n, block):
        cos = unit[start : start + block] @ unit.T
        cos[torch.arange(len(cos)), torch.arange(start, start + len(cos))] = -2.0
        val, idx = torch.topk(cos, k, dim=1)
        rank = torch.arange(k).expand_as(val)
        take = ((rank < neighbours) & (val >= min_cosine)) | (val >= alike)
        rows.append(torch.arange(start, start + len(cos))[:, None].expand_as(val)[take])
        cols.append(idx[take])
        sims.append(val[take])
    a, b, s = torch.cat(rows), torch.cat(cols), torch.cat(sims)
    ids = np.asarray(item_ids, dtype=object)
    lo, hi = np.minimum(a.numpy(), b.numpy()), np.maximum(a.numpy(), b.numpy())
    frame = pd.DataFrame({"lo": lo, "hi": hi, "weight": s.numpy().astype(float)})
    frame = frame.drop_duplicates(["lo", "hi"]).sort_values(["lo", "hi"])
    src, dst = ids[frame["lo"].to_numpy()], ids[frame["hi"].to_numpy()]
    swap = src > dst
    src[swap], dst[swap] = dst[swap], src[swap]
    return pd.DataFrame(
        {"src": src, "rel": SIMILAR_TEXT, "dst": dst, "weight": frame["weight"].to_numpy()}
    )


def with_text_links(
    kg: KnowledgeGraph, embeddings: pd.DataFrame, neighbours: int = TEXT_NEIGHBOURS
) -> KnowledgeGraph:
    """``kg`` with its SIMILAR_TEXT edges (re)computed from the items' text embeddings
    (``node_id``, ``vec`` columns); items without an embedding get none."""
    items = kg.nodes.loc[kg.nodes["label"] == "Item", "node_id"]
    vec = embeddings.set_index("node_id")["vec"]
    known = [i for i in items if i in vec.index]
    edges = kg.edges[kg.edges["rel"] != SIMILAR_TEXT]
    if known and neighbours > 0:
        links = text_link_edges(known, np.stack(list(vec.loc[known])), neighbours)
        edges = pd.concat([edges, links], ignore_index=True)
    return KnowledgeGraph(kg.nodes, edges.reset_index(drop=True))
