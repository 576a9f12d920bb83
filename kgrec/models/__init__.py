"""Models: the fusion GNN, its training loop and baselines."""

from kgrec.models.baselines import popularity_scores
from kgrec.models.fusion import FusionGNN, Propagated
from kgrec.models.train import Holdout, TrainResult, build_model, propagate, train_fusion

__all__ = [
    "FusionGNN",
    "Holdout",
    "Propagated",
    "TrainResult",
    "build_model",
    "popularity_scores",
    "propagate",
    "train_fusion",
]
