import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from kgrec.config import PipelineConfig
from kgrec.evaluation import ranking_metrics
from kgrec.evaluation.experiment import NO_ORGANIZATION, variants
from kgrec.evaluation.ranking import valid_ndcg
from kgrec.graph.split import SplitData
from kgrec.testing.synthetic import synthetic_graph


def test_hand_computed_case() -> None:
    # one user, 5 items; scores rank items 4,3,2,1,0; item 4 is excluded (seen in train)
    scores = torch.tensor([[0.0, 1.0, 2.0, 3.0, 4.0]])
    m = ranking_metrics(lambda b: scores[b], 1, [[4]], [[3, 0]], ks=(2,))
    # ranking after exclusion: 3, 2, 1, 0 -> top-2 = [3, 2]; one hit at rank 1
    assert m["recall@2"] == pytest.approx(0.5)
    assert m["precision@2"] == pytest.approx(0.5)
    assert m["hit@2"] == 1.0
    assert m["mrr@2"] == 1.0
    assert m["ndcg@2"] == pytest.approx(1.0 / (1.0 + 1.0 / math.log2(3)))
    assert m["coverage@2"] == pytest.approx(2 / 5)


def test_users_without_truth_are_skipped_and_misses_score_zero() -> None:
    scores = torch.tensor([[3.0, 2.0, 1.0], [3.0, 2.0, 1.0]])
    m = ranking_metrics(lambda b: scores[b], 2, [[], []], [[], [2]], ks=(1,), chunk=1)
    assert m["users"] == 1.0
    assert m["ndcg@1"] == 0.0 and m["mrr@1"] == 0.0


def test_candidates_novelty_and_diversity_by_hand() -> None:
    # 3 users, 4 items; item 3 is not a candidate (not in the benchmark's files)
    scores = torch.tensor([[0.0, 1.0, 2.0, 9.0]] * 3)
    pop = np.array([3, 1, 1, 0])  # training interactions per item
    vecs = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    m = ranking_metrics(
        lambda b: scores[b],
        3,
        [[], [], []],
        [[2], [1], [0]],
        ks=(2,),
        candidates=[0, 1, 2],
        popularity=pop,
        item_vectors=vecs,
    )
    # every user's top-2 is [2, 1] (item 3 may not be ranked)
    assert m["hit@2"] == pytest.approx(2 / 3)
    assert m["coverage@2"] == pytest.approx(2 / 3)  # 2 of the 3 candidates shown
    # self-information of items 2 and 1: -log2(1/3) each
    assert m["novelty@2"] == pytest.approx(math.log2(3))
    # items 2 and 1 are orthogonal: cosine distance 1
    assert m["diversity@2"] == pytest.approx(1.0)


def test_diversity_skips_items_without_a_vector() -> None:
    scores = torch.tensor([[3.0, 2.0, 1.0]])
    vecs = torch.tensor([[1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])  # item 1 has no text
    m = ranking_metrics(lambda b: scores[b], 1, [[]], [[0]], ks=(3,), item_vectors=vecs)
    # only the pair (0, 2) counts, and those two point the same way
    assert m["diversity@3"] == pytest.approx(0.0)


def test_valid_ndcg_over_some_users_is_their_mean() -> None:
    """What the blend's two halves of the valid users are measured by: the NDCG over a
    subset of users is the mean of theirs, and the whole is the mean over everyone."""
    gt, train, valid = synthetic_graph(30, 20, attributes=4, per_user=6, seed=3)
    split = SplitData(gt, train, valid, valid)
    scores = torch.as_tensor(np.random.default_rng(0).normal(size=(split.n_users, split.n_items)))
    validate = valid_ndcg(split)
    fn = lambda b: scores[b]  # noqa: E731
    users = [u for u, items in enumerate(split.valid_lists) if items]
    each = {u: validate(fn, [u]) for u in users}
    assert len(set(each.values())) > 2  # not vacuous
    half = users[::2]
    assert validate(fn, half) == pytest.approx(np.mean([each[u] for u in half]))
    assert validate(fn) == pytest.approx(np.mean(list(each.values())))
    assert validate(fn, []) == 0.0


def test_kgrec_is_compared_without_organisations_only_where_the_graph_has_them() -> None:
    gt, train, valid = synthetic_graph(30, 20, attributes=4, per_user=5, seed=0)
    plain = SplitData(gt, train, valid, valid)
    config = PipelineConfig(name="v")
    assert NO_ORGANIZATION not in variants(config, plain)
    labels = gt.labels.astype(object)  # room for the longer name
    labels[labels == "Attribute"] = "Organization"
    with_orgs = SplitData(replace(gt, labels=labels), train, valid, valid)
    got = variants(config, with_orgs)
    assert got[NO_ORGANIZATION].model.drop_kinds == ["Organization"]
    assert got["kgrec"].model.drop_kinds == []
    assert NO_ORGANIZATION not in variants(config, with_orgs, ablations=False)
