"""Tags that are someone's name written in lower case ("cyndi lauper", "will ferrell").

NER finds names by their capitals, and a tag written in lower case has none; read again
with capitals, any two words look like a name to it ("Serial Killer"). Two things
together pick out a name instead: a word the English lexicon does not know (spaCy's
lemma index, WordNet's words: "lauper", "ferrell", "matisyahu", not "serial" or
"killer"), and the encoder, which has read about well-known people, putting the tag
nearer to people ("a singer", "an actor") than to the other kinds of tag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from spacy.language import Language

from kgrec.extract.census import given_names, surnames
from kgrec.extract.lexicon import is_known_word
from kgrec.extract.wordnet import person_nouns

#: What the encoder compares a tag with: people …
PERSON_PROBES = ("an actor", "an actress", "a singer", "a rapper", "a film director", "a writer")
#: … and what else a tag may be.
OTHER_PROBES = (
    "a topic",
    "an opinion",
    "a feeling",
    "a mood",
    "a music genre",
    "a film genre",
    "a place",
    "a city",
    "a rock band",
    "a record label",
)
#: Least cosine to a person probe, and least lead over the best other probe.
MIN_SIMILARITY, MIN_MARGIN = 0.3, 0.05


def name_like(tag: str, nlp: Language) -> bool:
    """A tag of one to three words, letters only, no function word, with a word the
    lexicon does not know, or a given name and a surname ("tom hardy", "will ferrell")."""
    words = tag.casefold().split()
    if not 1 <= len(words) <= 3 or not all(w.isalpha() for w in words):
        return False
    if any(w in nlp.Defaults.stop_words for w in words):
        return False  # "for katie", "her best"
    if (
        len(words) == 2
        and words[0] in given_names()
        and words[1] in surnames()
        and words[1] not in person_nouns()  # "irish singer"
    ):
        return True
    return not all(is_known_word(w, nlp) for w in words)


def people_tags(
    tags: Sequence[str], nlp: Language, embed: Callable[[Sequence[str]], np.ndarray]
) -> list[bool]:
    """For each tag, whether it is a person's name by the test in this module's docstring."""
    todo = [k for k, tag in enumerate(tags) if name_like(tag, nlp)]
    out = [False] * len(tags)
    if not todo:
        return out
    vectors = embed([*PERSON_PROBES, *OTHER_PROBES, *(tags[k] for k in todo)])
    people = vectors[: len(PERSON_PROBES)]
    other = vectors[len(PERSON_PROBES) : len(PERSON_PROBES) + len(OTHER_PROBES)]
    cand = vectors[len(PERSON_PROBES) + len(OTHER_PROBES) :]
    best_person = (cand @ people.T).max(axis=1)
    best_other = (cand @ other.T).max(axis=1)
    for k, p, o in zip(todo, best_person, best_other, strict=True):
        out[k] = bool(p >= MIN_SIMILARITY and p - o >= MIN_MARGIN)
    return out
