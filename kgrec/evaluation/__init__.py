"""Evaluation: one ranking evaluator for kgrec and every baseline."""

from kgrec.evaluation.ranking import ScoreFn, ranking_metrics

__all__ = ["ScoreFn", "ranking_metrics"]
