"""The one Scorer: one user's scores equal the batch scores, the terms add up exactly,
what users said counts with its sign, and a changed history changes only that user."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from kgrec.config import ModelConfig
from kgrec.graph.export import GraphTensors, to_tensors
from kgrec.graph.kg import KnowledgeGraph, node_id
from kgrec.models import item_filter
from kgrec.models.checkpoint import load_checkpoint, save_checkpoint
from kgrec.models.fit import KgrecFit
from kgrec.models.history import Histories
from kgrec.models.scorer import Scorer, UserState
from kgrec.models.train import train_fusion
from kgrec.testing.store_contract import contract_graph

COMEDY, NOIR = node_id("Genre", "comedy"), node_id("Genre", "film noir")
#: (user, item) positions of the training interactions: users 0-2 had items 0-3
PAIRS = np.array([[u, i] for u in range(3) for i in range(4)])


def _graph() -> GraphTensors:
    """The contract graph, plus: u0 dislikes film noir; u3 (no history) likes comedy and
    dislikes film noir; u4 (no history) is a friend of u0 and u1."""
    kg = contract_graph()
    extra = pd.DataFrame(
        [
            {"node_id": node_id("User", u), "label": "User", "key": u, "name": u}
            for u in ("u3", "u4")
        ]
    )
    said = [
        ("u0", "DISLIKES", NOIR),
        ("u3", "LIKES", COMEDY),
        ("u3", "DISLIKES", NOIR),
        ("u4", "FRIEND_OF", node_id("User", "u0")),
        ("u4", "FRIEND_OF", node_id("User", "u1")),
    ]
    edges = pd.DataFrame(
        [{"src": node_id("User", u), "rel": r, "dst": d, "weight": 1.0} for u, r, d in said]
    )
    kg = KnowledgeGraph(
        pd.concat([kg.nodes, extra], ignore_index=True),
        pd.concat([kg.edges, edges], ignore_index=True),
    ).validate()
    rng = np.random.default_rng(0)
    emb = pd.DataFrame(
        {"node_id": kg.nodes["node_id"], "vec": list(rng.normal(size=(len(kg.nodes), 8)))}
    )
    return to_tensors(kg, emb, text_dim=8)


@pytest.fixture(
    scope="module",
    params=[(None, True), (0.2, True), (0.2, False)],
    ids=["dot", "cosine", "no-text"],  # without text the input embedding is the table itself
)
def scorer(request: pytest.FixtureRequest) -> Scorer:
    gt = _graph()
    temperature, text = request.param
    config = ModelConfig(dim=6, epochs=3, batch_size=4, temperature=temperature, use_text=text)
    model = train_fusion(gt, PAIRS, config).model
    grams = item_filter.FilterGrams.of(gt, PAIRS)
    f = item_filter.fit(grams, lam=0.5, alpha=2.0, beta=1.0, keep=10)
    return Scorer(KgrecFit(model, f, 20.0, 1.0, 3, said_weight=0.5), gt)


def _history(scorer: Scorer) -> Histories:
    gt = scorer.gt
    return Histories.of(PAIRS, len(gt.users), len(gt.items), np.linspace(0.5, 1.5, len(PAIRS)))


def _state(scorer: Scorer, u: int) -> UserState:
    _, items, weights = _history(scorer).entries(torch.tensor([u]))
    return scorer.state(int(scorer.gt.users[u]), items, weights)


def _user(scorer: Scorer, key: str) -> int:
    return int((scorer.gt.users == scorer.gt.node_ids.index(node_id("User", key))).nonzero())


def test_one_users_scores_are_the_batch_scores(scorer: Scorer) -> None:
    """Serving (one user) and evaluation (users in batches) are the same sum, for users
    with a history and what they said, known only by their words, or by their friends."""
    batch = scorer.score_fn(_history(scorer))(torch.arange(len(scorer.gt.users)))
    for u in range(len(scorer.gt.users)):
        torch.testing.assert_close(scorer.scores(_state(scorer, u)), batch[u], atol=1e-4, rtol=1e-4)


def test_terms_add_up_to_every_kind_of_users_score(scorer: Scorer) -> None:
    items = torch.arange(len(scorer.gt.items))
    states = [_state(scorer, u) for u in range(len(scorer.gt.users))]
    words = scorer.state_with(
        torch.zeros(6),
        torch.tensor([scorer.gt.node_ids.index(COMEDY)]),
        torch.tensor([scorer.relation("LIKES")]),
        torch.tensor([True]),
        said=torch.tensor([scorer.gt.node_ids.index(COMEDY), scorer.gt.node_ids.index(NOIR)]),
        said_sign=torch.tensor([1.0, -1.0]),
    )
    for state in [*states, words]:
        t = scorer.terms(state, items)
        total = t.rest.clone().index_add_(0, t.of, t.value)
        torch.testing.assert_close(total, scorer.scores(state), atol=1e-4, rtol=1e-4)


def test_a_dislike_lowers_exactly_the_items_that_have_the_attribute(scorer: Scorer) -> None:
    state = _state(scorer, 0)
    assert state.said.tolist() == [scorer.gt.node_ids.index(NOIR)]  # u0's DISLIKES edge
    unsaid = replace(state, said=state.said[:0], said_sign=state.said_sign[:0])
    drop = scorer.scores(unsaid) - scorer.scores(state)
    noir = scorer.links.linked(torch.tensor([scorer.gt.node_ids.index(NOIR)])) > 0
    assert noir.any() and (~noir).any()
    torch.testing.assert_close(drop[noir], torch.full((int(noir.sum()),), 20.0 * 0.5))
    torch.testing.assert_close(drop[~noir], torch.zeros(int((~noir).sum())), atol=1e-5, rtol=0)


def test_someone_known_by_words_ranks_what_they_like_over_what_they_dislike(
    scorer: Scorer,
) -> None:
    scores = scorer.scores(_state(scorer, _user(scorer, "u3")))
    has = {
        g: scorer.links.linked(torch.tensor([scorer.gt.node_ids.index(g)])) > 0
        for g in (COMEDY, NOIR)
    }
    assert float(scores[has[COMEDY]].min()) > float(scores[has[NOIR]].max())


def test_a_friend_only_users_items_are_their_friends(scorer: Scorer) -> None:
    state = _state(scorer, _user(scorer, "u4"))
    assert len(state.friends) == 2 and not len(state.items)
    filter_only = Scorer(
        KgrecFit(scorer.fitted.model, scorer.fitted.filter, 20.0, 0.0, 0), scorer.gt
    )
    scores = filter_only.scores(state)
    had = torch.zeros(len(scorer.gt.items), dtype=torch.bool)
    had[:4] = True  # u0 and u1 both had items 0-3
    torch.testing.assert_close(scores[had], torch.full((4,), 20.0))
    assert float(scores[~had].abs().max()) == 0.0


def test_a_new_interaction_changes_the_score_by_its_filter_row(scorer: Scorer) -> None:
    """A history that changes between calls is scored by summing again: the filter's part
    moves by c·w·B[j, :], with nothing global recomputed."""
    state = _state(scorer, 0)
    more = replace(
        state,
        items=torch.cat([state.items, torch.tensor([5])]),
        weights=torch.cat([state.weights, torch.tensor([2.0])]),
    )
    f = scorer.fitted.filter
    assert f is not None
    row = f.scores_for(torch.tensor([5]), torch.tensor([1.0]))
    torch.testing.assert_close(
        scorer.scores(more) - scorer.scores(state), 20.0 * 2.0 * row, atol=1e-4, rtol=1e-4
    )


def test_own_edges_give_the_propagation_norms_and_a_new_edge_renormalises(
    scorer: Scorer,
) -> None:
    user = int(scorer.gt.users[0])
    state = scorer.state(user)
    src, dst = scorer.gt.edge_index
    mine = src == user
    want = dict(zip(dst[mine].tolist(), scorer.prop.norm[mine].tolist(), strict=True))
    got = dict(zip(state.neighbours.tolist(), state.norms.tolist(), strict=True))
    assert got == pytest.approx(want)
    new = torch.tensor([int(scorer.gt.items[5])])
    grown = scorer.state_with(
        state.ego,
        torch.cat([state.neighbours, new]),
        torch.cat([state.rel_types, torch.tensor([scorer.relation("INTERACTED")])]),
        torch.cat([torch.zeros(len(state.neighbours), dtype=torch.bool), torch.tensor([True])]),
    )
    assert bool((grown.norms[:-1] < state.norms).all())  # the user's degree grew


def test_without_the_filter_one_user_and_the_batch_still_agree(scorer: Scorer) -> None:
    """The GNN-only model keeps the stand-in and friends rules, in both forms."""
    gnn_only = Scorer(KgrecFit(scorer.fitted.model, None, 20.0, 1.0, 3), scorer.gt)
    batch = gnn_only.score_fn(_history(gnn_only))(torch.arange(len(gnn_only.gt.users)))
    for u in range(len(gnn_only.gt.users)):
        one = gnn_only.scores(_state(gnn_only, u))
        torch.testing.assert_close(one, batch[u], atol=1e-4, rtol=1e-4)


def test_a_graph_without_likes_still_names_a_sentences_edges_likes() -> None:
    """Once the first relation of the graph (DIRECTED_BY on MovieLens) stood in for a
    missing LIKES; now LIKES is a relation of the score whatever the graph holds, weighing
    what an untrained relation weighs."""
    kg = contract_graph()
    rng = np.random.default_rng(0)
    emb = pd.DataFrame(
        {"node_id": kg.nodes["node_id"], "vec": list(rng.normal(size=(len(kg.nodes), 8)))}
    )
    gt = to_tensors(kg, emb, text_dim=8)
    assert "LIKES" not in gt.relations
    model = train_fusion(gt, PAIRS, ModelConfig(dim=6, epochs=1, batch_size=4)).model
    scorer = Scorer(KgrecFit(model, None, 20.0, 1.0, 1), gt)
    likes = scorer.relation("LIKES")
    assert scorer.relations[likes] == "LIKES" and float(scorer.beta[likes]) == 1.0
    comedy = torch.tensor([gt.node_ids.index(COMEDY)])
    state = scorer.state_with(torch.zeros(6), comedy, torch.tensor([likes]), torch.tensor([True]))
    terms = scorer.terms(state, torch.arange(len(gt.items)))
    assert {scorer.relations[int(r)] for r in terms.rel} == {"LIKES"}


def test_a_saved_model_scores_as_it_did_and_an_old_one_by_dot_products(
    scorer: Scorer, tmp_path: Path
) -> None:
    fitted, gt = scorer.fitted, scorer.gt
    text = fitted.model.text_proj is not None
    config = ModelConfig(dim=6, temperature=fitted.model.temperature, use_text=text)
    save_checkpoint(tmp_path / "model.pt", fitted, gt, config)
    loaded, _, prop = load_checkpoint(tmp_path / "model.pt", gt)
    again = Scorer(loaded, gt, prop)
    state = _state(scorer, 0)
    assert torch.allclose(again.scores(_state(again, 0)), scorer.scores(state), atol=1e-5)
    blob = torch.load(tmp_path / "model.pt", weights_only=True)
    del blob["model_config"]["temperature"]  # as saved before temperatures existed
    torch.save(blob, tmp_path / "old.pt")
    old, config, prop = load_checkpoint(tmp_path / "old.pt", gt)
    assert config.temperature is None and old.model.temperature is None
    assert prop is not None and prop.temperature is None
