import numpy as np
import pandas as pd

from kgrec.graph.export import to_tensors
from kgrec.graph.text_links import MIN_COSINE, SIMILAR_TEXT, text_link_edges, with_text_links
from kgrec.testing.store_contract import contract_graph


def test_each_item_links_to_its_nearest_items_once_per_pair() -> None:
    vecs = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, 0.0]])
    ids = ["Item:a", "Item:b", "Item:c", "Item:d", "Item:e"]
    edges = text_link_edges(ids, vecs, neighbours=1, min_cosine=0.3)
    pairs = set(zip(edges["src"], edges["dst"], strict=True))
    # a<->b and c<->d are each other's nearest: one edge per pair; e is near nobody
    assert pairs == {("Item:a", "Item:b"), ("Item:c", "Item:d")}
    assert (edges["rel"] == SIMILAR_TEXT).all()
    cos = vecs[0] @ vecs[1] / np.linalg.norm(vecs[0]) / np.linalg.norm(vecs[1])
    got = edges.loc[edges["src"] == "Item:a", "weight"].item()
    assert got == np.float32(cos) or abs(got - cos) < 1e-6
    # however many neighbours an item has, pairs at least `alike` are linked
    alike = text_link_edges(ids, vecs, neighbours=0, alike=0.99)
    assert set(zip(alike["src"], alike["dst"], strict=True)) == pairs
    assert text_link_edges(ids, vecs, neighbours=0, alike=0.999).empty
    wider = text_link_edges(ids, vecs, neighbours=2, min_cosine=-1.0)
    assert len(wider) > len(edges) and not (wider["src"] == wider["dst"]).any()


def test_text_links_are_stored_edges_but_not_propagated() -> None:
    kg = contract_graph()
    items = kg.nodes.loc[kg.nodes["label"] == "Item", "node_id"].tolist()
    rng = np.random.default_rng(0)
    emb = pd.DataFrame({"node_id": items, "vec": list(rng.normal(size=(len(items), 8)))})
    linked = with_text_links(kg, emb, neighbours=2)
    links = linked.edges[linked.edges["rel"] == SIMILAR_TEXT]
    assert len(links) > 0 and (links["weight"] >= MIN_COSINE).all()
    assert len(with_text_links(linked, emb, neighbours=2).edges) == len(linked.edges)  # idempotent
    gt = to_tensors(linked, emb, text_dim=8)
    assert SIMILAR_TEXT not in gt.relations
    assert gt.edge_index.shape == to_tensors(kg, emb, text_dim=8).edge_index.shape
    assert gt.text_links.shape == (2, 2 * len(links))
