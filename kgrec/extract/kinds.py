"""The attribute kind of an entity NER found, where the wording overrules its label."""

from __future__ import annotations

from spacy.tokens import Span

from kgrec.extract.census import given_names
from kgrec.extract.organizations import (
    ORG_WORDS,
    listed_organization,
    looks_like_a_name,
    organization,
    school_or_team,
)
from kgrec.extract.places import PLACE_PREPOSITIONS, known_places
from kgrec.extract.rules import (
    PERSONAL_NOUNS,
    acts_like_a_person,
    after_a_place_nouns_of,
    person_role,
)
from kgrec.extract.wordnet import all_place_names, famous_people

#: NER labels that may stand for a person's name when the wording gives a role.
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "WORK_OF_ART"}
#: … and that may stand for someone WordNet knows ("Victor Hugo's" as an EVENT).
_REAL_NAME_LABELS = _NAME_LABELS | {"EVENT"}


#: Where a one-word EVENT sits when it is a name: a subject, or before another name.
_NAME_DEPS = {"nsubj", "nsubjpass", "compound"}


#: What an event may be the subject of ("the war rages", "the Olympics begin").
_EVENT_VERBS = frozenset(
    ["rage", "take", "happen", "occur", "begin", "end", "break", "start", "erupt", "loom"]
)


def ner_kind(ent: Span, kind: str | None, kinds: set[str]) -> str | None:
    """The attribute kind of an entity NER found, ``kind`` being what its label maps to:
    the wording overrules the label where it is clear, and a guess it does not back is
    dropped (None)."""
    # "directed by X" / "X directs" / "starring X": X is a person, whatever NER says
    if (
        ent.label_ in _NAME_LABELS
        and "Person" in kinds
        and ent.root.dep_ != "amod"  # "a novel by American author X": a nationality
        and person_role(ent)
        and not any(t.lower_ in ORG_WORDS for t in ent)  # "with Sun Records"
    ):
        return "Person"
    if "Organization" in kinds and (
        ent[-1].lower_ in ORG_WORDS or listed_organization(ent) or school_or_team(ent)
    ):
        return "Organization"  # "John Hughes High School", "Scotland Yard": NER's PERSON
    if "Place" in kinds and kind in ("Organization", "Person") and _a_known_place(ent):
        return "Place"  # "shot in Copenhagen" (NER's ORG), "flees Manchester" (PERSON)
    if (
        kind in ("Organization", "Place", "Theme")
        and "Person" in kinds
        and ent.label_ in _REAL_NAME_LABELS
        and ent.text not in known_places()
        and famous_people().full_name(ent.text, lone="none")
    ):
        return "Person"  # "the Charles Dickens story", "Victor Hugo's novel" (NER's EVENT)
    if kind == "Organization" and not organization(ent):
        return "Person" if looks_like_a_name(ent) and "Person" in kinds else None
    if kind == "Place" and acts_like_a_person(ent) and "Person" in kinds:
        return "Person"  # "Barrie meets Sylvia": NER's GPE for a name
    if kind == "Place" and len(ent) == 1 and not _a_place_anyway(ent):
        if famous_people().full_name(ent.text, lone="surname") and "Person" in kinds:
            return "Person"  # "the Kubrick classic"
        if ent.text.casefold() in given_names():
            return None  # "Rebecca becomes resentful": a name no list has as a place
    if ent.label_ == "EVENT" and _acts(ent):
        return None  # "Hugo is an orphan", "Black Beauty narrates": not events
    return kind


def _a_place_anyway(ent: Span) -> bool:
    """A name GeoNames or WordNet has as a place ("Phoenix", "Troy"), one before a known
    place ("from Laurens, Iowa"), or a place noun's ("the island of Eden")."""
    doc, start = ent.doc, ent.start
    if after_a_place_nouns_of(doc, start):
        return True
    after = doc[ent.end : ent.end + 2]
    if len(after) == 2 and after[0].text == ",":
        return _listed_place(ent.text) or _listed_place(after[1].text)
    return _listed_place(ent.text)


def _listed_place(name: str) -> bool:
    """In GeoNames' or WordNet's lists, as written or capitalised (a tag's "paris")."""
    return any(n in known_places() or n in all_place_names() for n in (name, name.title()))


def _a_known_place(ent: Span) -> bool:
    """A well-known place's name, for an ORG where no organisation word says otherwise, or
    a PERSON where the sentence has it as a place: after "in", "to", "from", "flees" …,
    or owning a thing ("Baltimore's school")."""
    if ent.text not in known_places() or acts_like_a_person(ent):
        return False
    if ent.label_ == "ORG":
        return not any(t.lower_ in ORG_WORDS for t in ent)
    before = ent.doc[ent.start - 1] if ent.start else None
    if before is not None and before.lemma_.lower() in _TOWARDS_A_PLACE:
        return True
    root = ent.root
    return root.dep_ in ("poss", "compound") and root.head.lemma_.lower() not in PERSONAL_NOUNS


#: Words before a place ("in", "to", "flees", "leaves" …).
_TOWARDS_A_PLACE = PLACE_PREPOSITIONS | {
    "flee",
    "leave",
    "visit",
    "reach",
    "enter",
    "tour",
    "return",
    "move",
}


def _acts(ent: Span) -> bool:
    """An EVENT that is a name: one word as a subject or before a name ("Hugo is an
    orphan"), or the subject of a verb no event does ("Black Beauty narrates")."""
    root = ent.root
    if len(ent) == 1 and root.dep_ in _NAME_DEPS:
        return True
    head = root.head
    return root.dep_ == "nsubj" and head.pos_ == "VERB" and head.lemma_ not in _EVENT_VERBS
