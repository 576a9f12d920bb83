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


#: What the encoder compares an artist's name with besides :data:`PERSON_PROBES`.
GROUP_PROBES = ("a rock band", "a band", "a music group", "a pop group")


def artist_kinds(
    names: Sequence[str], nlp: Language, embed: Callable[[Sequence[str]], np.ndarray]
) -> list[str]:
    """ "Person" or "Organization" for each music artist's name.

    A given name and a surname is a Person ("tom waits", "britney spears"). Else a name
    that reads as a group is an Organization: "the" first or a plural noun last ("the
    smiths", "boyz ii men", "pussycat dolls"). Else a name the encoder puts nearer to
    people (singers, rappers) than to groups by :data:`MIN_MARGIN` is a Person ("usher",
    "bow wow"), and any other a group's, as most acts of a music catalogue are
    ("combichrist", "kamelot")."""
    if not names:
        return []
    docs = list(nlp.pipe([n.casefold() for n in names], disable=["ner"]))
    vectors = embed([*PERSON_PROBES, *GROUP_PROBES, *names])
    people = vectors[: len(PERSON_PROBES)]
    groups = vectors[len(PERSON_PROBES) : len(PERSON_PROBES) + len(GROUP_PROBES)]
    cand = vectors[len(PERSON_PROBES) + len(GROUP_PROBES) :]
    lead = (cand @ people.T).max(axis=1) - (cand @ groups.T).max(axis=1)
    out: list[str] = []
    for doc, margin in zip(docs, lead, strict=True):
        words = [t.lower_ for t in doc]
        group = words[0] == "the" or doc[-1].tag_ in ("NNS", "NNPS")
        named = (
            len(words) == 2
            and words[0] != words[1]  # "duran duran"
            and words[0] in given_names()
            and words[1] in surnames()
            and words[1] not in person_nouns()
        )
        out.append("Person" if named or (not group and margin >= MIN_MARGIN) else "Organization")
    return out
