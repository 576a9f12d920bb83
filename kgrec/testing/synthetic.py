"""Synthetic user / item / attribute graphs of any size, for scale runs and model tests.

Each item has a few attributes and a text embedding near the sum of its attributes'
vectors; each user likes two attributes and picks most items among those carrying them,
the rest by popularity (Zipf). So interactions have structure the attributes and the
text explain, and a model that uses them has something to find.
"""

from __future__ import annotations

import numpy as np
import torch

from kgrec.graph.export import GraphTensors


def synthetic_graph(
    users: int,
    items: int,
    attributes: int,
    per_user: int,
    seed: int = 0,
    holdout: float = 0.2,
    text_dim: int = 32,
    attributes_per_item: int = 3,
) -> tuple[GraphTensors, np.ndarray, np.ndarray]:
    """A training graph and its (user, item) position pairs: (graph, train, valid).

    About ``per_user`` interactions per user (duplicates dropped); a seeded ``holdout``
    share of them is the valid split and is not in the graph.
    """
    rng = np.random.default_rng(seed)
    item_attr = rng.integers(0, attributes, (items, attributes_per_item))
    # items per attribute, for users to pick from
    flat = item_attr.reshape(-1)
    order = np.argsort(flat, kind="stable")
    carriers = np.repeat(np.arange(items), attributes_per_item)[order]
    start = np.searchsorted(flat[order], np.arange(attributes + 1))
    popular = 1.0 / np.arange(1, items + 1) ** 0.8
    popular = rng.permutation(popular / popular.sum())

    liked = rng.integers(0, attributes, (users, 2))
    u = np.repeat(np.arange(users), per_user)
    attr = liked[u, rng.integers(0, 2, len(u))]
    size = start[attr + 1] - start[attr]
    by_taste = carriers[start[attr] + (rng.random(len(u)) * np.maximum(size, 1)).astype(np.int64)]
    by_popularity = rng.choice(items, len(u), p=popular)
    item = np.where((rng.random(len(u)) < 0.7) & (size > 0), by_taste, by_popularity)
    pairs = np.unique(np.stack([u, item], 1), axis=0)
    is_valid = rng.random(len(pairs)) < holdout
    train, valid = pairs[~is_valid], pairs[is_valid]

    # nodes: users, then items, then attributes
    user_nodes = np.arange(users)
    item_nodes = users + np.arange(items)
    attr_nodes = users + items + np.arange(attributes)
    inter = np.stack([user_nodes[train[:, 0]], item_nodes[train[:, 1]]])
    links = np.unique(
        np.stack([np.repeat(item_nodes, attributes_per_item), attr_nodes[flat]], 1), axis=0
    ).T
    one_way = np.concatenate([inter, links], 1)
    kind = np.r_[np.zeros(inter.shape[1]), np.ones(links.shape[1])].astype(np.int64)
    edge_index = np.concatenate([one_way, one_way[::-1]], 1)

    n = users + items + attributes
    attr_vec = rng.normal(size=(attributes, text_dim))
    text = np.zeros((n, text_dim), dtype=np.float32)
    text[item_nodes] = attr_vec[item_attr].sum(1) + rng.normal(scale=0.5, size=(items, text_dim))
    text[attr_nodes] = attr_vec
    has_text = np.zeros((n, 1), dtype=np.float32)
    has_text[item_nodes] = has_text[attr_nodes] = 1.0
    labels = np.array(["User"] * users + ["Item"] * items + ["Attribute"] * attributes)
    names = [f"u{k}" for k in range(users)] + [f"i{k}" for k in range(items)]
    names += [f"a{k}" for k in range(attributes)]
    gt = GraphTensors(
        node_ids=names,
        labels=labels,
        names=names,
        users=torch.as_tensor(user_nodes),
        items=torch.as_tensor(item_nodes),
        relations=["INTERACTED", "HAS_ATTRIBUTE"],
        edge_index=torch.as_tensor(edge_index),
        edge_type=torch.as_tensor(np.r_[kind, kind]),
        text=torch.as_tensor(text),
        has_text=torch.as_tensor(has_text),
    )
    return gt, train, valid
