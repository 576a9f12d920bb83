"""Named events: "the Creek Indian War", "the 1936 Olympics", "the Rodney King riots".

en_core_web_sm labels few events as such: it calls "the Creek Indian War" an
organisation, "the Rodney King" a building and "Vietnam" in "a Vietnam war veteran" a
place. A noun for an event ("war", "riots", "Olympics", "fair" …) after capitalised
words or a year names one event; the whole phrase is a Theme, whatever NER made of
its words.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

#: Nouns for events that capitalised words or a year before them name.
EVENT_NOUNS = frozenset(
    [
        "war",
        "wars",
        "riot",
        "riots",
        "olympics",
        "games",
        "genocide",
        "massacre",
        "revolution",
        "rebellion",
        "uprising",
        "fair",
        "festival",
        "crisis",
        "invasion",
        "siege",
        "blitz",
        "trial",
        "scandal",
    ]
)
_ROMAN = frozenset(["i", "ii", "iii", "iv", "v"])


def event_phrases(doc: Doc) -> list[Span]:
    """Spans of named events: an event noun after a run of capitalised words ("St Louis
    World's Fair") or right after a year ("1936 Olympics"), and a numeral after it
    ("World War II")."""
    out: list[Span] = []
    for tok in doc:
        if tok.lower_ not in EVENT_NOUNS or (out and tok.i < out[-1].end):
            continue
        start = tok.i
        while start > 0 and _names_part(doc, start - 1):
            start -= 1
        while start < tok.i - 1 and doc[start].like_num:
            start += 1  # "the 1904 St Louis World's Fair": a date before the name
        if start == tok.i:
            continue
        end = tok.i + 1
        if end < len(doc) and (doc[end].lower_ in _ROMAN or doc[end].like_num):
            end += 1
        out.append(doc[start:end])
    return out


def _names_part(doc: Doc, i: int) -> bool:
    """Whether token ``i`` belongs to an event's name: a capitalised word, a year or
    number, or the "'s" between capitalised words."""
    tok = doc[i]
    if tok.tag_ == "POS":  # "St Louis World's Fair"
        return i > 0 and doc[i - 1].is_title
    return tok.like_num or (
        (tok.is_title or tok.is_upper) and tok.pos_ in ("PROPN", "ADJ", "NOUN") and tok.is_alpha
    )
