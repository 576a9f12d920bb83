"""The same models on a CUDA device: what the CPU computes, to float tolerance
(skipped without CUDA; run on a lent GPU machine)."""

import numpy as np
import pytest
import torch

from kgrec.config import ModelConfig
from kgrec.models import item_filter
from kgrec.models.fit import KgrecFit
from kgrec.models.fusion import propagate
from kgrec.models.lightgcn import train_lightgcn
from kgrec.models.scorer import Scorer
from kgrec.models.train import train_fusion
from kgrec.testing.synthetic import synthetic_graph

pytestmark = pytest.mark.gpu


def test_training_and_scoring_on_cuda_match_the_cpu() -> None:
    gt, train, _ = synthetic_graph(60, 40, attributes=8, per_user=6, seed=0)
    cfg = ModelConfig(dim=8, epochs=3, batch_size=64, device="cuda")
    model = train_fusion(gt, train, cfg).model  # returned on the CPU
    on_gpu = propagate(model.to("cuda"), gt, torch.device("cuda"))
    on_cpu = propagate(model.cpu(), gt, torch.device("cpu"))
    torch.testing.assert_close(on_gpu.final.cpu(), on_cpu.final, atol=1e-4, rtol=1e-4)
    scorer = Scorer(KgrecFit(model, None, 20.0, 1.0, 3), gt)
    assert torch.isfinite(scorer.scores(scorer.state(int(gt.users[0])))).all()


def test_the_item_filter_fits_on_cuda_as_on_the_cpu() -> None:
    gt, train, _ = synthetic_graph(60, 40, attributes=8, per_user=6, seed=0)
    grams = item_filter.FilterGrams.of(gt, train)
    cpu = item_filter.fit(grams, 10.0, 1.0, 1.0, keep=40)
    gpu = item_filter.fit(grams.to("cuda"), 10.0, 1.0, 1.0, keep=40)
    x = torch.eye(40)
    torch.testing.assert_close(gpu.scores(x), cpu.scores(x), atol=1e-4, rtol=1e-3)


def test_the_trained_baselines_honour_the_device() -> None:
    _, train, _ = synthetic_graph(60, 40, attributes=8, per_user=6, seed=0)
    seen = []
    run = train_lightgcn(
        np.asarray(train),
        60,
        40,
        lambda fn: seen.append(fn(torch.arange(60)).device.type) or 0.0,
        ModelConfig(dim=8, epochs=2, eval_every=1, device="cuda"),
    )
    assert seen and set(seen) == {"cpu"}  # scores come back to the CPU for the evaluator
    assert torch.isfinite(run.score(torch.arange(60))).all()
    assert torch.cuda.max_memory_allocated() > 0
