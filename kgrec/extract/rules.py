"""Reading a parsed sentence: a person's role, a mention's polarity, "about X" key phrases."""

from __future__ import annotations

from spacy.tokens import Span, Token

# Words before a name that say which role the name plays.
_ROLE_CUES = (
    ("DIRECTED_BY", ("directed by", "director", "film by", "from director")),
    ("WRITTEN_BY", ("written by", "novel by", "book by", "screenplay by", "based on")),
    ("STARRING", ("starring", "with", "featuring")),
)
_NEGATIVE_LEMMAS = {"hate", "dislike", "avoid", "loathe", "detest", "skip"}
_ABOUT_HEADS = {"about", "explore", "confront"}


def _first_conjunct(tok: Token) -> Token:
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok


_LEADING_NOISE = {"starring", "stars", "director", "directed", "with", "featuring", "by", "and"}


def trim_name(span: Span) -> Span:
    """Drop role words and lower-case words NER sometimes swallows ("Starring Kenji
    Kaminski", "jewel thief Tony") and a trailing "'s"."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in _LEADING_NOISE
        or doc[start].pos_ == "DET"
        or (span.label_ == "PERSON" and doc[start].is_lower)  # "jewel thief Tony"
    ):
        start += 1
    while end > start and doc[end - 1].tag_ == "POS":
        end -= 1
    return span if (start, end) == (span.start, span.end) else Span(doc, start, end, span.label_)


def person_role(span: Span) -> str | None:
    """DIRECTED_BY / STARRING / WRITTEN_BY when the wording says so, else None."""
    root = _first_conjunct(span.root)
    head = root.head.lemma_.lower()
    if root.dep_ == "nsubj" and head == "direct":
        return "DIRECTED_BY"
    if root.dep_ == "nsubj" and head == "star":
        return "STARRING"
    if root.dep_ == "dobj" and head == "direct":
        return "STARRING"  # "X directs Y and Z": Y and Z act in it
    if root.dep_ == "pobj" and root.head.lower_ == "by":
        verb = root.head.head.lemma_.lower()
        if verb == "direct":
            return "DIRECTED_BY"
        if verb in ("write", "novel", "book", "screenplay"):
            return "WRITTEN_BY"
    window = span.doc[max(0, span.start - 3) : span.start].text.lower()
    for role, cues in _ROLE_CUES:
        if any(window.endswith(cue) for cue in cues):
            return role
    after = span.doc[span.end : span.end + 2].text.lower()
    if after.startswith("stars") or after.startswith("as "):
        return "STARRING"
    return None


def polarity(span: Span) -> int:
    """-1 when the mention sits under a negated or negative verb ("can't stand X"), else +1."""
    for tok in span.root.ancestors:
        if tok.lemma_.lower() in _NEGATIVE_LEMMAS:
            return -1
        if any(child.dep_ == "neg" for child in tok.children):
            return -1
        if tok.pos_ == "VERB" and tok.dep_ in ("ROOT", "conj", "ccomp"):
            break  # the clause that governs the mention ends here
    return 1


#: Heads of "about" phrases too general to be a theme ("about a girl", "explores the life").
_GENERIC_HEADS = {
    "life",
    "lives",
    "story",
    "stories",
    "tale",
    "girl",
    "boy",
    "man",
    "woman",
    "men",
    "women",
    "people",
    "person",
    "child",
    "children",
    "kid",
    "kids",
    "sister",
    "brother",
    "friend",
    "couple",
    "group",
    "world",
    "day",
    "journey",
    "film",
    "movie",
    "thing",
    "way",
    "journalist",
    "one",
    "someone",
    "everything",
    "anything",
    "something",
}


def about_phrases(doc_span: Span) -> list[Span]:
    """Noun chunks that are what a text is "about" / "explores" / "confronts", with an
    "of" complement ("the founding of Facebook"); generic heads ("a girl") are skipped."""
    out = []
    for chunk in doc_span.noun_chunks:
        root = _first_conjunct(chunk.root)
        if root.dep_ not in ("pobj", "dobj") or root.head.lemma_.lower() not in _ABOUT_HEADS:
            continue
        if chunk.root.lemma_.lower() in _GENERIC_HEADS or chunk.root.lower_ in _GENERIC_HEADS:
            continue
        words = [t for t in chunk if t.pos_ not in ("DET", "PRON", "PUNCT", "NUM")]
        if not words or words[-1].pos_ not in ("NOUN", "PROPN"):
            continue
        end = words[-1].i + 1
        of = [t for t in chunk.root.children if t.dep_ == "prep" and t.lower_ == "of"]
        if of and [c for c in of[0].children if c.dep_ == "pobj"]:
            end = max(t.i for t in of[0].subtree) + 1
        out.append(doc_span.doc[words[0].i : end])
    return out
