import itertools

import numpy as np
import pandas as pd
import pytest
import torch

from kgrec.config import ModelConfig
from kgrec.graph.export import to_hetero_data, to_networkx, to_tensors
from kgrec.graph.kg import KnowledgeGraph
from kgrec.graph.text_links import SIMILAR_TEXT
from kgrec.models import propagate, train_fusion
from kgrec.models.fit import KgrecFit
from kgrec.models.scorer import Scorer
from kgrec.reasoning import PathScorer
from kgrec.reasoning.explainer import Explainer
from kgrec.testing.store_contract import contract_graph


def _graph() -> tuple[KnowledgeGraph, pd.DataFrame]:
    kg = contract_graph()
    rng = np.random.default_rng(0)
    emb = pd.DataFrame(
        {"node_id": kg.nodes["node_id"], "vec": list(rng.normal(size=(len(kg.nodes), 8)))}
    )
    return kg, emb


def test_final_embeddings_are_sums_over_each_nodes_edges() -> None:
    """The identity the explanations and online users rest on: e_v = α e_v⁰ + Σ n_vw g_w,
    with the norms the Scorer computes from degrees equal to the propagation's."""
    kg, emb = _graph()
    gt = to_tensors(kg, emb, text_dim=8)
    torch.manual_seed(0)
    from kgrec.models.train import build_model

    model = build_model(gt, ModelConfig(dim=6, layers=2))
    with torch.no_grad():
        model.rel_logit.copy_(torch.tensor([0.3, -0.2]))
        prop = propagate(model, gt, torch.device("cpu"))
    scorer = Scorer(KgrecFit(model, None, 20.0, 1.0, 0), gt)
    for v in range(gt.num_nodes):
        assert torch.allclose(scorer.embedding(scorer.state(v)), prop.final[v], atol=1e-5)


def test_gnn_terms_add_up_to_the_score_and_paths_are_stored_edges() -> None:
    """The GNN's score splits exactly over the user's edges; each shown path is the
    term of its first edge and walks stored edges only."""
    kg, emb = _graph()
    gt = to_tensors(kg, emb, text_dim=8)
    result = train_fusion(
        gt, np.array([[0, 0], [0, 1], [1, 2], [2, 3]]), ModelConfig(dim=6, epochs=3)
    )
    with torch.no_grad():
        prop = propagate(result.model, gt, torch.device("cpu"))
    scorer = Scorer(KgrecFit(result.model, None, 20.0, 1.0, 0), gt)
    paths = PathScorer(gt, scorer.prop.norm, scorer.relations)
    user = int(gt.users[0])
    state = scorer.state(user)
    k = len(gt.items)
    terms = scorer.terms(state, torch.arange(k))
    want = prop.readout(prop.final[gt.items]) @ prop.readout(prop.final[user])
    total = terms.rest.clone().index_add_(0, terms.of, terms.value)
    assert torch.allclose(total, want, atol=1e-5)
    assert torch.allclose(scorer.scores(state), want, atol=1e-5)
    exps = paths.explain_terms(
        paths.node(user), gt.items, terms.of, terms.via, terms.rel, terms.value, 100, terms.rest
    )
    edges = set(zip(kg.edges["src"], kg.edges["dst"], strict=True))
    term_of = {
        (gt.node_ids[int(v)], int(j)): float(t)
        for v, j, t in zip(terms.via, terms.of, terms.value, strict=True)
    }
    shown = 0
    for j, exp in enumerate(exps):
        assert exp.score == pytest.approx(float(want[j]), abs=1e-5)
        # what raises the score most first, then what lowers it most
        scores = [p.score for p in exp.paths]
        assert scores == sorted(scores, key=lambda v: (v < 0, -v if v > 0 else v))
        for path in exp.paths:
            ids = [node.node_id for node in path.nodes]
            assert ids[0] == gt.node_ids[user] and ids[-1] == gt.node_ids[int(gt.items[j])]
            for a, b in itertools.pairwise(ids):
                assert (a, b) in edges or (b, a) in edges  # every hop is a stored edge
            assert path.score == pytest.approx(term_of[(ids[1], j)], abs=1e-6)
            shown += 1
    assert shown > k
    # user 0 liked i0..i3; i5 shares a genre with i1 and i3: paths u0-i1-Genre-i5 exist
    assert any(p.relationships == ("INTERACTED", "HAS_GENRE", "HAS_GENRE") for p in exps[5].paths)


def test_training_lowers_the_loss() -> None:
    kg, emb = _graph()
    gt = to_tensors(kg, emb, text_dim=8)
    pairs = np.array([[u, i] for u in range(3) for i in range(4)])
    result = train_fusion(gt, pairs, ModelConfig(dim=8, epochs=30, batch_size=4))
    assert result.history[-1]["loss"] < result.history[0]["loss"]


def test_exports() -> None:
    kg, _ = _graph()
    data = to_hetero_data(kg)
    assert data["User", "INTERACTED", "Item"].edge_index.shape == (2, 12)
    g = to_networkx(kg)
    assert g.number_of_nodes() == len(kg.nodes) and g.number_of_edges() == len(kg.edges)


def test_filter_paths_are_the_strongest_linked_terms_through_the_best_shared_node() -> None:
    """The vectorised filter explanation against a plain reading of the graph."""
    kg, emb = _graph()
    gt = to_tensors(kg, emb, text_dim=8)
    model = train_fusion(gt, np.array([[0, 0]]), ModelConfig(dim=6, epochs=1)).model
    with torch.no_grad():
        prop = propagate(model, gt, torch.device("cpu"))
    scorer = PathScorer(gt, prop.norm, [*gt.relations, SIMILAR_TEXT])
    items = gt.items
    rng = np.random.default_rng(1)
    n = 40
    pairs = rng.choice(len(items) ** 2, n, replace=False)  # (item, liked) pairs, no repeats
    of = torch.as_tensor(pairs // len(items))
    liked = items[torch.as_tensor(pairs % len(items))]
    terms = torch.as_tensor(rng.normal(size=n), dtype=torch.float32)
    top = 2
    interacted = torch.full((n,), gt.relations.index("INTERACTED"))
    got = scorer.explain_terms(scorer.node(0), items, of, liked, interacted, terms, top=top)
    src, dst = gt.edge_index.tolist()
    norm = {(s, d): float(w) for s, d, w in zip(src, dst, prop.norm.tolist(), strict=True)}
    nbrs: dict[int, set[int]] = {}
    for s, d in zip(src, dst, strict=True):
        nbrs.setdefault(s, set()).add(d)
    assert sum(len(e.paths) for e in got) >= len(items)  # not vacuous
    for k, item in enumerate(items.tolist()):
        mine = [t for t in range(n) if int(of[t]) == k]
        assert got[k].score == pytest.approx(float(terms[mine].sum()), abs=1e-6)
        linked = []
        for t in mine:
            a = int(liked[t])
            common = nbrs.get(a, set()) & nbrs.get(item, set())
            if common and a != item:

                def strength(c: int, a: int = a, i: int = item) -> float:
                    return norm[(a, c)] * norm[(i, c)] - (gt.labels[c] == "User")

                best = max(strength(c) for c in common)
                linked.append((float(terms[t]), a, {c for c in common if strength(c) == best}))
        linked.sort(key=lambda x: -x[0])
        carried = sum(x[0] for x in linked)
        assert got[k].path_share * got[k].score == pytest.approx(carried, abs=1e-5)
        # the strongest terms up, then the two that pull the score down most
        shown = [x for x in linked if x[0] > 0][:top]
        shown += sorted((x for x in linked if x[0] < 0), key=lambda x: x[0])[:2]
        assert len(got[k].paths) == len(shown)
        for path, (score, a, best_nodes) in zip(got[k].paths, shown, strict=True):
            assert path.score == pytest.approx(score)
            assert path.nodes[1].node_id == gt.node_ids[a]
            assert path.nodes[2].node_id in {gt.node_ids[c] for c in best_nodes}
            assert path.nodes[3].node_id == gt.node_ids[item]


def test_a_user_with_no_history_is_scored_and_explained_by_their_friends() -> None:
    kg, emb = _graph()
    new = pd.DataFrame([{"node_id": "User:new", "label": "User", "key": "new", "name": "Ana"}])
    users = [n for n in kg.nodes["node_id"] if n.startswith("User:")][:2]
    ties = pd.DataFrame(
        [{"src": "User:new", "rel": "FRIEND_OF", "dst": u, "weight": 1.0} for u in users]
    )
    kg = KnowledgeGraph(
        pd.concat([kg.nodes, new], ignore_index=True),
        pd.concat([kg.edges, ties], ignore_index=True),
    )
    gt = to_tensors(kg, emb, text_dim=8)
    model = train_fusion(gt, np.array([[0, 0]]), ModelConfig(dim=6, epochs=1)).model
    ex = Explainer(Scorer(KgrecFit(model, None, 20.0, 0.0, 0), gt))
    me = gt.node_ids.index("User:new")
    state = ex.scorer.state(me)
    assert len(state.friends) == 2
    scores = ex.scorer.scores(state)
    had = [
        {
            d
            for s, r, d in zip(kg.edges["src"], kg.edges["rel"], kg.edges["dst"], strict=True)
            if s == u and r == "INTERACTED"
        }
        for u in users
    ]
    for pos, node in enumerate(gt.items.tolist()):
        share = sum(gt.node_ids[node] in h for h in had) / 2
        assert float(scores[pos]) == pytest.approx(20.0 * share)
    items = torch.topk(scores, 3).indices.tolist()
    for exp, item in zip(ex.explanations(ex.paths.node(me), state, items, 5), items, strict=True):
        assert exp.score == pytest.approx(float(scores[item]))
        assert exp.paths and exp.path_share == pytest.approx(1.0)
        for path in exp.paths:
            assert path.relationships == ("FRIEND_OF", "INTERACTED")
            assert path.nodes[1].node_id in users and path.score == pytest.approx(10.0)
