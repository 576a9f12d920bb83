"""The English words a spaCy pipeline knows: its lemma index (WordNet's words), for
telling a word of the language from a name or a coinage ("lauper", "electrofunk")."""

from __future__ import annotations

from spacy.language import Language

#: Endings taken off a word before looking it up ("singers", "narrated", "gangs").
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ly", ""))


def is_known_word(word: str, nlp: Language) -> bool:
    """Whether ``word`` (any case, plural or inflected) is in the pipeline's lexicon; True
    for every word when the pipeline has no lemma index (nothing can be told then)."""
    index = lexicon(nlp)
    if not index:
        return True
    word = word.casefold()
    return word in index or any(
        word.endswith(end) and word[: -len(end)] + add in index for end, add in _ENDINGS
    )


def lexicon(nlp: Language) -> frozenset[str]:
    """Every word of the pipeline's lemma index and exceptions, in any part of speech
    (empty when the pipeline has none)."""
    cached: frozenset[str] | None = getattr(nlp, "_kgrec_lexicon", None)
    if cached is not None:
        return cached
    words: set[str] = set()
    if "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
        for name in ("lemma_index", "lemma_exc"):
            if lookups is not None and lookups.has_table(name):
                for entries in lookups.get_table(name).values():
                    words.update(entries)
    known = frozenset(w.casefold() for w in words)
    nlp._kgrec_lexicon = known  # type: ignore[attr-defined]
    return known
