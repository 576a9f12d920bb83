"""Well-known places, for the names the small English NER model gets wrong.

en_core_web_sm calls "Manchester" a person and "Copenhagen" an organisation now and
then, and passes over a city that only qualifies a noun ("a Montreal professor"). The
names here are GeoNames' countries and its cities of at least :data:`MIN_POPULATION`
people, as the ``geotext`` package carries them (GeoNames data, CC BY 4.0), read from
its data files without importing it. A list of names says nothing about the sentence,
so :mod:`kgrec.extract.kinds` uses it only where the sentence does not treat the name
as someone ("Charlotte, a spider").
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import cache
from pathlib import Path

from spacy.tokens import Doc, Span

from kgrec.extract.wordnet import TITLES, all_place_names, geographic_names

#: Smallest city (people) whose name is taken as a place's.
MIN_POPULATION = 100_000


@cache
def known_places() -> frozenset[str]:
    """Names (as written, and without accents) of countries and big cities; empty when
    ``geotext`` is not installed."""
    spec = importlib.util.find_spec("geotext")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    names: set[str] = set()
    for row in _rows(data / "cities15000.txt"):
        if len(row) > 14 and row[14].isdigit() and int(row[14]) >= MIN_POPULATION:
            names.update((row[1], row[2]))
    for row in _rows(data / "countryInfo.txt"):
        if len(row) > 4:
            names.add(row[4])
    stripped = {name.strip() for name in names} - {""}
    return frozenset(stripped | {_plain(name) for name in stripped})


def _rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def _plain(name: str) -> str:
    """The name without accents ("Montréal" → "Montreal")."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


#: Prepositions before a place ("in", "across", "towards" …).
PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "to",
        "from",
        "at",
        "near",
        "across",
        "into",
        "toward",
        "towards",
        "through",
        "over",
        "around",
        "outside",
        "inside",
    ]
)
#: Words before a place NER passed over ("in the Himalayas", "the beaches of Normandy").
_BEFORE_A_PLACE = PLACE_PREPOSITIONS | {"of"}
_LONGEST = 5


def places_named(doc: Doc) -> list[Span]:
    """Geographic names WordNet knows that NER passed over, where a preposition comes
    before them ("crash land in the Himalayas", "a trek across the Sahara") or they
    qualify a noun ("a Brooklyn kid"): ranges, deserts, rivers, regions and districts
    the small English model often misses."""
    names = geographic_names()
    if not names:
        return []
    firsts = _first_words()
    in_ents = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    out: list[Span] = []
    i = 0
    while i < len(doc):
        if doc[i].text not in firsts or i in in_ents:
            i += 1
            continue
        end = next(
            (
                j
                for j in range(min(len(doc), i + _LONGEST), i, -1)
                if doc[i:j].text in names and not in_ents.intersection(range(i, j))
            ),
            None,
        )
        before = i - 1 - (i > 0 and doc[i - 1].lower_ == "the")
        after_a_preposition = before >= 0 and doc[before].lower_ in _BEFORE_A_PLACE
        if end is not None and (after_a_preposition or _qualifies_a_noun(doc[i:end])):
            out.append(doc[i:end])
            i = end
        else:
            i += 1
    return out


def places_of_a_title(doc: Doc) -> list[Span]:
    """Places WordNet lists after a ruler's title and "of" that NER passed over ("Hamlet,
    Prince of Denmark", "the Duke of Burgundy")."""
    names = all_place_names()
    in_ents = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    out: list[Span] = []
    for tok in doc:
        if (
            tok.i >= 2
            and tok.is_title
            and tok.i not in in_ents
            and doc[tok.i - 1].lower_ == "of"
            and doc[tok.i - 2].lower_ in TITLES
        ):
            ends = range(tok.i + 1, min(len(doc), tok.i + _LONGEST) + 1)
            end = max((j for j in ends if doc[tok.i : j].text in names), default=None)
            if end is not None:
                out.append(doc[tok.i : end])
    return out


def _qualifies_a_noun(span: Span) -> bool:
    """A name before the noun it qualifies ("a Brooklyn kid", "Normandy's beaches")."""
    root = span.root
    return (
        root.dep_ in ("compound", "nmod", "poss")
        and root.head.pos_ == "NOUN"
        and root.head.i >= span.end
    )


@cache
def _first_words() -> frozenset[str]:
    return frozenset(name.split()[0] for name in geographic_names())
