"""The attribute kind of an entity NER found, where the wording overrules its label."""

from __future__ import annotations

from spacy.tokens import Span

from kgrec.extract.organizations import ORG_WORDS, looks_like_a_name, organization
from kgrec.extract.rules import acts_like_a_person, person_role

#: NER labels that may stand for a person's name when the wording gives a role.
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "WORK_OF_ART"}


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
        and person_role(ent)
        and not any(t.lower_ in ORG_WORDS for t in ent)  # "with Sun Records"
    ):
        return "Person"
    if ent[-1].lower_ in ORG_WORDS and "Organization" in kinds:
        return "Organization"  # "John Hughes High School", NER's PERSON
    if kind == "Organization" and not organization(ent):
        return "Person" if looks_like_a_name(ent) and "Person" in kinds else None
    if kind == "Place" and acts_like_a_person(ent) and "Person" in kinds:
        return "Person"  # "Barrie meets Sylvia": NER's GPE for a name
    if ent.label_ == "EVENT" and _acts(ent):
        return None  # "Hugo is an orphan", "Black Beauty narrates": not events
    return kind


def _acts(ent: Span) -> bool:
    """An EVENT that is a name: one word as a subject or before a name ("Hugo is an
    orphan"), or the subject of a verb no event does ("Black Beauty narrates")."""
    root = ent.root
    if len(ent) == 1 and root.dep_ in _NAME_DEPS:
        return True
    head = root.head
    return root.dep_ == "nsubj" and head.pos_ == "VERB" and head.lemma_ not in _EVENT_VERBS
