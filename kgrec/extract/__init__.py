"""Extraction: spaCy NER + EntityRuler + dependency rules, and the BERT text encoder."""

from kgrec.extract.canonical import Canonicalizer
from kgrec.extract.encoder import TextEncoder
from kgrec.extract.extractor import Extractor
from kgrec.extract.mention import Mention

__all__ = ["Canonicalizer", "Extractor", "Mention", "TextEncoder"]
