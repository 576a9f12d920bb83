"""Models: the fusion GNN, its training loop and baselines."""

from kgrec.models.fusion import FusionGNN, Propagated, propagate
from kgrec.models.linear import popularity_scores
from kgrec.models.scorer import Scorer, UserState
from kgrec.models.train import TrainResult, build_model, train_fusion

__all__ = [
    "FusionGNN",
    "Propagated",
    "Scorer",
    "TrainResult",
    "UserState",
    "build_model",
    "popularity_scores",
    "propagate",
    "train_fusion",
]
