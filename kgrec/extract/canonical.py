"""Canonicalisation: map the many spellings of one attribute to one name.

Four steps, per attribute kind: (1) the schema's vocabularies ("sci-fi" → "science
fiction"); (2) spelling normalisation: names equal up to case, accents, punctuation,
hyphens, spaces, "&"/"n" for "and" and a plural "s" are one ("Hip-Hop", "hiphop";
"Björk", "Bjork"; "B.B. King", "BB King"), and for concepts also a plural "es", letters
typed again and again ("relaxxx"), words of emphasis ("i really love this song") and one
slipped letter in a word English does not know ("launge" → "lounge"), and for concepts one
word order and one first meaning in WordNet ("movie heist" / "heist movie", "gorgeous" /
"beautiful": :mod:`kgrec.extract.synonyms`); (3) for people, a
lone surname links to the one full name that ends in it ("Nolan" → "Christopher Nolan");
(4) for concept kinds (genres, themes, moods — not people or places: "Tom Hanks"/"Tom
Hardy" and "North Korea"/"South Korea" embed close together), names whose BERT
embeddings have cosine similarity ≥ the threshold merge, greedily, into the most
frequent (or an anchor) name, except where the names carry different numbers
("60s"/"80s") or one is the other plus more words ("prison"/"prison escape": a narrower
idea, not a spelling).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from kgrec.extract.synonyms import MeaningKeys
from kgrec.graph.schema import GraphSchema

#: Kinds whose names never merge by embedding similarity alone.
NO_EMBEDDING_MERGE = frozenset({"Person", "Place", "Organization"})
_STOPWORDS = frozenset({"a", "an", "the", "of", "and", "on", "in", "to", "for", "with"})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "first": 1, "second": 2, "third": 3}


#: Abbreviations read as their words: at a name's start ("St. Louis", "Mt. Fuji") or anywhere.
_LEADING_ABBREVIATIONS = {"st": "saint", "mt": "mount", "ft": "fort"}
_ABBREVIATIONS = {"bros": "brothers", "fav": "favorite", "fave": "favorite", "favs": "favorites"}
#: Words that name the medium, not the concept: "synth pop music" is synthpop, "heist
#: movie" and "movie heist" are the heist genre.
_MEDIUM_WORDS = frozenset(
    {"music", "movie", "movies", "film", "films", "genre", "flick", "flicks", "song", "songs"}
    | {"track", "tracks", "tune", "tunes"}
)


def _expand(text: str) -> str:
    words = text.split()
    if words and words[0].rstrip(".") in _LEADING_ABBREVIATIONS:
        words[0] = _LEADING_ABBREVIATIONS[words[0].rstrip(".")]
    return " ".join(_ABBREVIATIONS.get(w.rstrip("."), w) for w in words)


def fold_key(text: str) -> str:
    """Spelling-insensitive key: no case, accents, punctuation, hyphens or spaces;
    "&" and "n" read as "and"; "St." / "Mt." / "Ft." at the start as "Saint" / "Mount" /
    "Fort", "Bros." as "Brothers"; a final plural "s"/"ies" dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = _expand("".join(ch for ch in text if not unicodedata.combining(ch)).casefold())
    text = re.sub(r"['’]n['’]|\bn\b|&", " and ", text)
    text = re.sub(r"[^\w\s]|_", "", text.replace("-", " ").replace("/", " "))
    text = re.sub(r"\s+", "", text)
    if len(text) > 4 and text.endswith("ies"):
        return text[:-3] + "y"
    if len(text) > 2 and text.endswith("s") and not text.endswith("ss"):
        return text[:-1]
    return text


_MEDIUM_KEYS = frozenset(fold_key(m) for m in _MEDIUM_WORDS)


#: Words that stress a concept without changing it ("i fucking love this song", "music
#: that reminds me of friends").
_EMPHASIS_KEYS = frozenset(
    fold_key(w)
    for w in [
        "actually",
        "really",
        "very",
        "so",
        "truly",
        "totally",
        "absolutely",
        "extremely",
        "super",
        "just",
        "fucking",
        "fuckin",
        "freaking",
        "damn",
        "bloody",
        "that",
        "which",
    ]
)


def _unstressed_key(name: str) -> str:
    """Spelling key of a name without its words of emphasis, in its word order."""
    words = [w for w in _words(name) if w]
    return " ".join([w for w in words if w not in _EMPHASIS_KEYS] or words)


def concept_key(name: str) -> str:
    """Key of a concept's name (genre, theme, mood) that also ignores word order, the
    medium and words of emphasis: "synth pop music" = "synth-pop", "movie heist" =
    "heist movie" = "heist", "i really love this song" = "i love this song". A name
    that is only such words keeps them."""
    words = [w for w in _words(name) if w]
    kept = [w for w in words if w not in _MEDIUM_KEYS | _EMPHASIS_KEYS] or words
    return " ".join(sorted(kept))


def _plain_words(name: str) -> list[str]:
    """A concept's own words, in lower case, without the medium or words of emphasis,
    plurals kept ("american music" is "american", not "americans")."""
    words = [re.sub(r"[^\w]|_", "", w) for w in re.split(r"[\s\-/]+", _expand(name.casefold()))]
    words = [w for w in words if w]
    return [w for w in words if fold_key(w) not in _MEDIUM_KEYS | _EMPHASIS_KEYS] or words


def _words(name: str) -> list[str]:
    return [fold_key(w) for w in re.split(r"[\s\-/]+", name.casefold()) if w]


def _numbers(name: str) -> set[int]:
    out = set()
    for word in re.split(r"[\s\-/]+", name.casefold()):
        if word in _ROMAN or word in _NUMBER_WORDS:
            out.add(_ROMAN.get(word) or _NUMBER_WORDS[word])
        out.update(int(d) for d in re.findall(r"\d+", word))
    return out


def may_merge(a: str, b: str) -> bool:
    """Whether two names may be merged on embedding similarity: not when they carry
    different numbers, nor when one's words are a strict subset of the other's."""
    na, nb = _numbers(a), _numbers(b)
    if na and nb and na != nb:
        return False
    wa = {w for w in _words(a) if w not in _STOPWORDS}
    wb = {w for w in _words(b) if w not in _STOPWORDS}
    return not (wa < wb or wb < wa)


def _slips(key: str) -> list[str]:
    """Other readings of a spelling key: a plural "es" ("bitches" → "bitch") and letters
    typed again and again ("relaxxx" → "relax", "cooool" → "cool")."""
    out = []
    if len(key) > 4 and re.search(r"(ch|sh|x|ss|z)e$", key):  # fold_key took the "s"
        out.append(key[:-1])
    if re.search(r"(.)\1\1", key):
        out += [re.sub(r"(.)\1{2,}", r"\1", key), re.sub(r"(.)\1{2,}", r"\1\1", key)]
    return out


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one letter added, dropped, changed or two swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def clean_surface(text: str) -> str:
    """Strip possessives, a leading article and stray punctuation from a mention."""
    text = re.sub(r"(?<=[^\W\d_])[’']s$", "", text.strip())
    text = re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return text.strip(" \t\n.,;:!?\"'()[]")


def _vocabulary_index(schema: GraphSchema, key: Callable[[str], str]) -> dict[str, dict[str, str]]:
    """Per kind, ``key(surface) -> canonical`` over every vocabulary name and variant."""
    return {
        kind: {
            key(surface): canonical
            for canonical, variants in vocab.items()
            for surface in (canonical, *variants)
        }
        for kind, vocab in schema.vocabularies.items()
    }


class Canonicalizer:
    """Maps attribute names of one kind to canonical names (see module docstring)."""

    def __init__(
        self,
        schema: GraphSchema,
        embed: Callable[[Sequence[str]], np.ndarray] | None,
        threshold: float,
        anchors: Mapping[str, Iterable[str]] | None = None,
        known_word: Callable[[str], bool] | None = None,
        meanings: Callable[[list[str]], MeaningKeys] | None = None,
    ) -> None:
        self.schema, self.embed, self.threshold = schema, embed, threshold
        self.variants = _vocabulary_index(schema, fold_key)
        # names keep their word order ("Ryan Thomas" is not "Thomas Ryan"): concepts only
        self.concepts = {
            kind: index
            for kind, index in _vocabulary_index(schema, concept_key).items()
            if kind not in NO_EMBEDDING_MERGE
        }
        self.anchors = {kind: list(dict.fromkeys(names)) for kind, names in (anchors or {}).items()}
        self.known_word = known_word or (lambda _word: True)
        self.meanings = meanings

    def canonical_map(self, kind: str, names: Sequence[str]) -> dict[str, str]:
        """``{name: canonical}`` for every name given (names are mentions' surfaces)."""
        counts = Counter(clean_surface(n) for n in names)
        counts.pop("", None)
        vocab = self.variants.get(kind, {})
        concepts = self.concepts.get(kind, {})
        result: dict[str, str] = {}
        rest: list[str] = []
        spelled: dict[str, str] = {
            fold_key(a): a for a in self.anchors.get(kind, [])
        }  # fold key -> first (anchor or most frequent) spelling
        concept = kind not in NO_EMBEDDING_MERGE
        # the more frequent spelling first; on a tie, a word English knows ("genius"
        # before "genious"), so that the slip follows the word
        names_in_order = sorted(
            counts, key=lambda n: (-counts[n], not self.known_word(n.casefold()))
        )
        meant: dict[str, str] = {}  # word order and meaning keys -> first spelling
        for name in names_in_order:
            key = fold_key(name)
            keys = [key, *_slips(key), _unstressed_key(name)] if concept else [key]
            # the same concept in other words: word order, the medium, synonyms
            order = " ".join(sorted(_plain_words(name)))
            near = self._meaning(name) if concept else MeaningKeys((), ())
            if hit := next((k for k in keys if k in vocab), None):
                result[name] = vocab[hit]
            elif concept_key(name) in concepts:
                result[name] = concepts[concept_key(name)]
            elif hit := next((k for k in keys if k in spelled), None):
                result[name] = spelled[hit]
            elif concept and (hit := next((k for k in (order, *near.lookup) if k in meant), None)):
                result[name] = meant[hit]
            elif (
                concept and " " not in name and (near_key := self._typo_of(key, [*vocab, *spelled]))
            ):
                result[name] = vocab.get(near_key) or spelled[near_key]
            else:
                for k in keys:
                    spelled.setdefault(k, name)
                if concept:
                    for k in (order, *near.register):
                        meant.setdefault(k, name)
                rest.append(name)
        if kind == "Person":
            self._link_surnames(rest, result)
        elif self.embed is not None and kind not in NO_EMBEDDING_MERGE and rest:
            self._merge_by_embedding(kind, rest, result)
        for name in list(result):  # spelling variants follow where their spelling went
            if result[name] in result and result[result[name]] != result[name]:
                result[name] = result[result[name]]
        return {raw: result.get(clean_surface(raw), clean_surface(raw)) for raw in names}

    def _meaning(self, name: str) -> MeaningKeys:
        if self.meanings is None:
            return MeaningKeys((), ())
        return self.meanings(_plain_words(name))

    def _typo_of(self, key: str, keys: Iterable[str]) -> str | None:
        """The one known key ``key`` is a typing slip of: one letter added, dropped,
        changed or swapped in a word of six letters or more ("launge" → "lounge",
        "eletronica" → "electronica"), when ``key`` is no English word itself ("county"
        is not a slip of "country")."""
        if len(key) < 6 or not key.isalpha() or self.known_word(key):
            return None
        near = [k for k in keys if abs(len(k) - len(key)) <= 1 and _one_edit(key, k)]
        return near[0] if len(set(near)) == 1 else None

    def _link_surnames(self, names: list[str], result: dict[str, str]) -> None:
        """A lone name links to the one full name ending in it ("Nolan" → "Christopher
        Nolan") unless it is also some full name's first word: then it is a first name
        ("Harry" of "Harry Potter" is not "Dirty Harry")."""
        full = [n for n in dict.fromkeys([*self.anchors.get("Person", []), *names]) if " " in n]
        by_last: dict[str, set[str]] = {}
        first_words = {fold_key(n.split()[0]) for n in full}
        for name in full:
            by_last.setdefault(fold_key(name.split()[-1]), set()).add(name)
        for name in names:
            if " " not in name and fold_key(name) not in first_words:
                owners = by_last.get(fold_key(name), set())
                if len(owners) == 1:
                    result[name] = next(iter(owners))

    def _merge_by_embedding(self, kind: str, names: list[str], result: dict[str, str]) -> None:
        assert self.embed is not None
        heads = list(
            dict.fromkeys([*self.schema.vocabularies.get(kind, {}), *self.anchors.get(kind, [])])
        )
        vectors = self.embed(heads + names)
        head_vecs = list(vectors[: len(heads)])
        for name, vec in zip(names, vectors[len(heads) :], strict=True):
            if head_vecs:
                sims = np.stack(head_vecs) @ vec
                for best in np.argsort(-sims):
                    if sims[best] < self.threshold:
                        break
                    if may_merge(name, heads[best]):
                        result[name] = heads[best]
                        break
                if name in result:
                    continue
            heads.append(name)
            head_vecs.append(vec)
