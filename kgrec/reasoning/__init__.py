"""Reasoning: explanation paths scored by the model's own score decomposition, and sentences."""

from kgrec.reasoning.paths import Explanation, Path, PathNode, PathScorer
from kgrec.reasoning.text import attribute_phrase, explanation_sentence

__all__ = [
    "Explanation",
    "Path",
    "PathNode",
    "PathScorer",
    "attribute_phrase",
    "explanation_sentence",
]
