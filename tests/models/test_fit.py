"""Fitting the whole model on a small synthetic split: the GNN trained alone with a sampled
softmax, and blended with the filter by a weight chosen on valid."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from kgrec.config import ModelConfig
from kgrec.evaluation.ranking import valid_ndcg
from kgrec.graph.split import SplitData
from kgrec.models.fit import fit_kgrec, refit_kgrec, valid_parts
from kgrec.models.scorer import Scorer
from kgrec.models.train import train_fusion
from kgrec.testing.synthetic import synthetic_graph


def _split() -> SplitData:
    gt, train, valid = synthetic_graph(80, 50, attributes=8, per_user=8, seed=1)
    return SplitData(gt, train, valid, valid)


FAST = {
    "dim": 16,
    "epochs": 30,
    "batch_size": 128,
    "eval_every": 5,
    "patience": 3,
    "filter_lambdas": [10.0],
    "filter_alphas": [1.0],
    "filter_betas": [0.0],
    "half_lives": [],
}


def test_the_sampled_softmax_trains_the_gnn_alone() -> None:
    split = _split()
    config = ModelConfig(**FAST | {"loss": "softmax", "negatives": 32, "lr": 0.02})
    result = train_fusion(split.gt, split.train, config, valid_ndcg(split))
    losses = [h["loss"] for h in result.history]
    assert losses[-1] < losses[0]
    curve = [h["valid_ndcg@10"] for h in result.history if "valid_ndcg@10" in h]
    assert max(curve) > curve[0] and result.best_epoch > 0


def test_the_softmax_loss_is_refused_on_the_filters_residual() -> None:
    split = _split()
    fitted = fit_kgrec(split, ModelConfig(**FAST | {"epochs": 1}), valid_ndcg(split))
    base = fitted.base(split.gt, fitted.train_history(split))
    with pytest.raises(ValueError, match="alone"):
        train_fusion(split.gt, split.train, ModelConfig(loss="softmax"), base=base)


@pytest.mark.parametrize("loss", ["bpr", "softmax"])
def test_the_blend_weight_is_the_best_on_valid(loss: str) -> None:
    split = _split()
    validate = valid_ndcg(split)
    config = ModelConfig(**FAST | {"combine": "blend", "loss": loss})
    fitted = fit_kgrec(split, config, validate)
    assert fitted.gnn_weight in config.gnn_weights and fitted.best_epoch > 0
    # the weight is chosen on valid users the GNN was not early-stopped on
    stop, weigh = valid_parts(split, config.blend_holdout, config.seed)
    assert stop and weigh and not set(stop) & set(weigh)
    assert set(stop) | set(weigh) == {u for u, v in enumerate(split.valid_lists) if v}
    history = fitted.train_history(split)
    chosen = validate(Scorer(fitted, split.gt).score_fn(history), weigh)
    for w in config.gnn_weights:  # no other weight does better on those users
        other = replace(fitted, gnn_weight=w)
        assert validate(Scorer(other, split.gt).score_fn(history), weigh) <= chosen + 1e-9
    # the epoch is the best on the others
    best = max(h["valid_ndcg@10"] for h in fitted.history if "valid_ndcg@10" in h)
    alone = replace(fitted, filter=None, gnn_weight=1.0)
    assert validate(Scorer(alone, split.gt).score_fn(history), stop) == pytest.approx(best)
    # the filter alone is a weight of the grid: with it alone, the GNN is left out
    alone = fit_kgrec(split, config.model_copy(update={"gnn_weights": [0.0]}), validate)
    assert alone.gnn_weight == 0.0
    filter_only = validate(Scorer(alone, split.gt).score_fn(history), weigh)
    assert chosen >= filter_only - 1e-9
    # the refit trains the GNN alone for the chosen epochs, and keeps the weight
    refit = refit_kgrec(split.gt, split.train, config, fitted, lambda *_: lambda *_: None)
    assert refit.gnn_weight == fitted.gnn_weight
    scores = Scorer(refit, split.gt).score_fn(history)(torch.arange(3))
    assert np.isfinite(scores.numpy()).all()


def test_a_decaying_learning_rate_is_replayed_exactly_without_validation() -> None:
    """The schedule depends on the epoch only, so training the kept epoch count without
    validation (what a refit does) gives the validated run's state."""
    split = _split()
    config = ModelConfig(**FAST | {"lr": 0.05, "lr_decay": 0.8, "patience": 30})
    checked = train_fusion(split.gt, split.train, config, valid_ndcg(split))
    again = train_fusion(split.gt, split.train, config, epochs=checked.best_epoch)
    for a, b in zip(checked.model.parameters(), again.model.parameters(), strict=True):
        assert torch.allclose(a, b)
    constant = config.model_copy(update={"lr_decay": 1.0})
    slow = train_fusion(split.gt, split.train, constant, epochs=checked.best_epoch)
    assert not torch.allclose(slow.model.id_emb.weight, again.model.id_emb.weight)
