"""Words of one meaning, by WordNet 3.0: what canonicalisation may merge beyond spelling.

Two names of a concept (a theme, a mood) mean one thing where each word of one means
what the matching word of the other means in its first, most frequent WordNet sense:

* synonyms: "favourite" / "favorite", "strange" / "unusual", "murder" / "slaying";
* an adjective and the head of the cluster it belongs to: "gorgeous" / "beautiful",
  "crazy" / "insane" (one-word names only);
* a noun and the adjective each derives from the other, both in their first senses:
  "nostalgia" / "nostalgic", "sadness" / "sad" (one-word names only).

Only first senses count: "blue" is a colour before it is a mood. Two adjectives of one
cluster stay apart ("red" and "green" are both "chromatic"). A word with an adjective
sense is read as the adjective.

A name's meaning is given as keys (:func:`meaning_keys`): two names mean one thing where
one's ``lookup`` keys meet the other's ``register`` keys, in either order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from kgrec.extract.wordnet import _data_dir

_POS_FILES = {"n": "noun", "a": "adj"}


@dataclass(frozen=True)
class _Sense:
    pos: str  # "n" or "a"
    offset: str
    #: the cluster head of a satellite adjective
    head: str | None
    #: (part of speech, offset, word) this word derives to, from its first sense
    derived: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class MeaningKeys:
    """Keys of a name's meaning: look up ``lookup`` among earlier names' ``register``."""

    lookup: tuple[str, ...]
    register: tuple[str, ...]


_NONE = MeaningKeys((), ())


def meaning_keys(words: list[str]) -> MeaningKeys:
    """The meaning keys of a name given as its lower-case words (empty without WordNet,
    or where a word has no sense there)."""
    senses = _wordnet()
    if senses is None or not words:
        return _NONE
    if len(words) > 1:
        firsts = [_sense(senses, w) for w in words]
        if any(s is None for s in firsts):
            return _NONE
        key = "w:" + " ".join(f"{s.pos}{s.offset}" for s in firsts if s)
        return MeaningKeys((key,), (key,))
    sense = _sense(senses, words[0])
    if sense is None:
        return _NONE
    own = f"m:{sense.pos}{sense.offset}"
    lookup, register = [own], [own]
    if sense.head:  # a satellite: the head's own key; its siblings never meet it
        lookup.append(f"m:a{sense.head}")
        register.append(f"sat:{sense.head}")
    elif sense.pos == "a":
        lookup.append(f"sat:{sense.offset}")
    for pos, offset, word in sense.derived:
        other = senses.sense(word)  # derives back, from and to first senses only
        if (
            other is not None
            and (other.pos, other.offset) == (pos, offset)
            and any(d[1] == sense.offset for d in other.derived)
        ):
            key = f"m:{pos}{offset}" if sense.pos == "n" else own
            lookup.append(key)
            register.append(key)
    return MeaningKeys(tuple(lookup), tuple(register))


def _sense(senses: _WordNet, word: str) -> _Sense | None:
    """The first sense of ``word`` or, for a plural WordNet lists only in the singular,
    of its singular where that is a noun ("stories", "witches"; "americans" is not the
    adjective "american")."""
    if word in senses:
        return senses.sense(word)
    for end, singular in (("ies", "y"), ("es", ""), ("s", "")):
        base = word[: -len(end)] + singular
        if word.endswith(end) and (sense := senses.sense(base)) and sense.pos == "n":
            return sense
    return None


class _WordNet:
    """First senses parsed on demand from the index and data files' lines (the files'
    offsets are no byte offsets here: the package's copies have CRLF line ends)."""

    def __init__(self, data: Path) -> None:
        self.index: dict[str, tuple[str, str]] = {}
        for pos in ("n", "a"):  # adjectives second: a word with an adjective sense is one
            with (data / f"index.{_POS_FILES[pos]}").open(encoding="utf-8") as lines:
                for line in lines:
                    if not line.startswith(" "):
                        self.index[line[: line.index(" ")].replace("_", " ")] = (pos, line)
        self.lines: dict[str, dict[str, str]] = {}
        for pos in ("n", "a"):
            with (data / f"data.{_POS_FILES[pos]}").open(encoding="utf-8") as lines:
                self.lines[pos] = {line[:8]: line for line in lines if not line.startswith(" ")}

    def __contains__(self, lemma: str) -> bool:
        return lemma in self.index

    @lru_cache(maxsize=65536)  # noqa: B019 - one instance per process
    def sense(self, lemma: str) -> _Sense | None:
        if lemma not in self.index:
            return None
        pos, line = self.index[lemma]
        fields = line.split()
        offset = fields[4 + int(fields[3]) + 2]
        kind, words, pointers = self.synset(pos, offset)
        number = words.index(lemma) + 1 if lemma in words else 0
        head = next((o for sym, _, o, _ in pointers if sym == "&"), None) if kind == "s" else None
        derived = []
        for symbol, target_pos, target, numbers in pointers:
            other = "n" if target_pos == "n" else "a"
            if symbol != "+" or target_pos not in ("n", "a", "s") or other == pos:
                continue
            if int(numbers[:2], 16) == number:
                word = self.synset(other, target)[1][int(numbers[2:], 16) - 1]
                derived.append((other, target, word))
        return _Sense(pos, offset, head, tuple(derived))

    @lru_cache(maxsize=65536)  # noqa: B019
    def synset(self, pos: str, offset: str) -> _Synset:
        """A synset's type ("n", "a", "s" for a satellite), lower-case words, and
        pointers (symbol, target part of speech, target offset, word numbers)."""
        fields = self.lines[pos][offset].split(" | ", 1)[0].split()
        count = int(fields[3], 16)
        words = [fields[4 + 2 * i].split("(")[0].replace("_", " ").casefold() for i in range(count)]
        at = 4 + 2 * count
        pointers = [
            (
                fields[at + 1 + 4 * k],
                fields[at + 3 + 4 * k],
                fields[at + 2 + 4 * k],
                fields[at + 4 + 4 * k],
            )
            for k in range(int(fields[at]))
        ]
        return fields[2], words, pointers


_Synset = tuple[str, list[str], list[tuple[str, str, str, str]]]


@cache
def _wordnet() -> _WordNet | None:
    data = _data_dir()
    return _WordNet(data) if data is not None else None
