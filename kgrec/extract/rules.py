"""Reading a parsed sentence: a person's role, a mention's polarity, "about X" key phrases."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from kgrec.extract.places import known_places
from kgrec.extract.wordnet import famous_people, person_nouns

# Words before a name that say which role the name plays.
_ROLE_CUES = (
    ("DIRECTED_BY", ("directed by", "director", "film by", "from director")),
    ("WRITTEN_BY", ("written by", "novel by", "book by", "screenplay by", "based on")),
    # "the film stars X", "guest stars X", "co-stars X" (not "the star quarterback X")
    (
        "STARRING",
        ("starring", "featuring", "co-starring", "stars", "guest star", "co-star", "voiced by"),
    ),
)
_NEGATIVE_LEMMAS = {"hate", "dislike", "avoid", "loathe", "detest", "skip"}
_ABOUT_HEADS = {"about", "explore", "confront"}
#: Nouns whose "about" is what someone thinks or says ("an opinion about females").
_OPINIONS = {
    "opinion",
    "view",
    "thought",
    "idea",
    "question",
    "rumor",
    "rumour",
    "joke",
    "lie",
    "complaint",
    "information",
    "advice",
    "doubt",
    "worry",
    "concern",
    "feeling",
}
#: Verbs whose "about" is what someone thinks or says, not what the item is about.
_ABOUT_VERBS = {
    "forget",
    "think",
    "talk",
    "know",
    "care",
    "worry",
    "hear",
    "learn",
    "dream",
    "complain",
    "joke",
    "lie",
    "ask",
    "argue",
    "wonder",
    "bring",
    "set",
    "go",
    "come",
    "find",
    "tell",
    "remember",
    "feel",
    "speak",
    "laugh",
    "fight",
}


def first_conjunct(tok: Token) -> Token:
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


_LEADING_NOISE = {"starring", "stars", "director", "directed", "with", "featuring", "by", "and"}
#: Periods NER takes into a place's name ("Victorian England", "medieval France").
_PERIODS = frozenset(
    ["victorian", "elizabethan", "edwardian", "regency", "medieval", "ancient", "colonial"]
)


def trim_name(span: Span) -> Span:
    """Drop role words and lower-case words NER sometimes swallows ("Starring Kenji
    Kaminski", "jewel thief Tony"), a period before a place ("Victorian England") and a
    trailing "'s"."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in _LEADING_NOISE
        or doc[start].pos_ == "DET"
        or (span.label_ == "PERSON" and doc[start].is_lower)  # "jewel thief Tony"
        or (span.label_ in ("GPE", "LOC") and doc[start].lower_ in _PERIODS)
    ):
        start += 1
    while end > start and doc[end - 1].tag_ == "POS":
        end -= 1
    return span if (start, end) == (span.start, span.end) else Span(doc, start, end, span.label_)


def joined_names(ents: Sequence[Span]) -> list[Span]:
    """NER's entities with split names joined: "Kenji" (GPE) right before "Haddad"
    (PERSON), the first a compound of the second, is the one person "Kenji Haddad"."""
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and ent.label_ == "PERSON"
            and prev.end == ent.start
            and prev.label_ in ("GPE", "LOC", "NORP", "ORG")
            and all(t.pos_ == "PROPN" and t.dep_ == "compound" for t in prev)
            and prev[-1].head.i in range(ent.start, ent.end)
        ):
            out[-1] = Span(ent.doc, prev.start, ent.end, "PERSON")
        else:
            out.append(_with_first_name(ent, prev.end if prev is not None else 0))
    return out


def _with_first_name(ent: Span, free: int) -> Span:
    """A PERSON with the first name NER left out before it, where the whole is someone
    real WordNet knows ("Adolf" + "Hitler")."""
    start = ent.start
    if ent.label_ != "PERSON" or start <= free:
        return ent
    tok = ent.doc[start - 1]
    if tok.pos_ != "PROPN" or not tok.is_title or tok.head.i not in range(start, ent.end):
        return ent
    whole = ent.doc[start - 1 : ent.end]
    return (
        Span(ent.doc, start - 1, ent.end, "PERSON")
        if famous_people().full_name(whole.text, lone="none")
        else ent
    )


def person_role(span: Span) -> str | None:
    """DIRECTED_BY / STARRING / WRITTEN_BY when the wording says so, else None."""
    root = first_conjunct(span.root)
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
    # "a comedy with X", not "in love with X"
    works = ("film", "movie", "comedy", "drama", "thriller")
    if root.dep_ == "pobj" and root.head.lower_ == "with" and root.head.head.lemma_ in works:
        return "STARRING"
    window = span.doc[max(0, span.start - 3) : span.start].text.lower()
    for role, cues in _ROLE_CUES:
        if any(window.endswith(cue) for cue in cues) and not _someone_elses(span, True):
            return role
    after = span.doc[span.end : span.end + 2].text.lower()
    if after.startswith("stars") or after.startswith("as "):
        return "STARRING"
    return None


#: Verbs whose subject is a real person credited with the item ("X wrote the songs").
_CREDIT_VERBS = {
    "write": "WRITTEN_BY",
    "co-write": "WRITTEN_BY",
    "pen": "WRITTEN_BY",
    "adapt": "WRITTEN_BY",
    "direct": "DIRECTED_BY",
    "helm": "DIRECTED_BY",
    "co-direct": "DIRECTED_BY",
    "star": "STARRING",
    "co-star": "STARRING",
    "portray": "STARRING",
    "narrate": "INVOLVES",
    "produce": "INVOLVES",
    "compose": "INVOLVES",
    "sing": "INVOLVES",
    "perform": "INVOLVES",
    "record": "INVOLVES",
    "release": "INVOLVES",
    "front": "INVOLVES",
    "host": "INVOLVES",
}
#: What "X played …" must play to be an actor's credit, not a character's game.
_ROLE_NOUNS = {"role", "character", "part", "lead", "title"}
#: Nouns a credited name owns ("Spike Lee's take on …", "the band's third album").
WORK_NOUNS = {
    "film",
    "movie",
    "picture",
    "take",
    "adaptation",
    "version",
    "remake",
    "debut",
    "feature",
    "documentary",
    "classic",
    "masterpiece",
    "comedy",
    "drama",
    "thriller",
    "novel",
    "book",
    "play",
    "screenplay",
    "script",
    "direction",
    "album",
    "record",
    "single",
    "song",
    "music",
    "score",
    "soundtrack",
    "tour",
    "series",
    "show",
    "production",
    "biopic",
    "biography",
    "portrait",
    "sonata",
    "symphony",
    "concerto",
    "opera",
    "work",
    "fairytale",
    "fable",
    "satire",
    "farce",
    "parody",
    "musical",
    "memoir",
    "sequel",
    "trilogy",
    "anthology",
}
#: Musicians' trades: "X is a jazz trumpeter", "the blues guitarist X" is an artist, where
#: "X is a struggling writer" may well be a character of a plot.
_MUSIC_TRADES = {
    "singer",
    "songwriter",
    "rapper",
    "producer",
    "composer",
    "musician",
    "guitarist",
    "pianist",
    "trumpeter",
    "saxophonist",
    "drummer",
    "bassist",
    "violinist",
    "cellist",
    "vocalist",
    "conductor",
    "dj",
    "artist",
}
#: Heads whose "of" / "about" object is the real subject of a work ("the life of X").
_SUBJECT_HEADS = {"life", "music", "career", "biopic", "biography", "portrait", "documentary"}


def credit(span: Span) -> str | None:
    """The relationship a name's wording credits it with, where the grammar (not a role
    cue) says it is a real person: the subject of a creative verb ("X wrote the songs",
    "X played the title role"), the owner of a work ("X's third film": INVOLVES), an
    actor in parentheses after a character ("a cop (Matthew McConaughey)": STARRING).
    None for a name in a plot ("Jack meets Rose")."""
    doc = span.doc
    if any(span.start >= cast.start and span.end <= cast.end for cast in cast_in_parentheses(doc)):
        return "STARRING"
    root = first_conjunct(span.root)
    head = root.head
    lemma = head.lemma_.lower()
    if root.dep_ == "nsubj" and lemma in _CREDIT_VERBS and not _writes_something_else(head):
        return _CREDIT_VERBS[lemma]
    if (
        root.dep_ == "nsubj"
        and lemma == "play"
        and any(c.dep_ == "dobj" and _a_part(c) for c in head.children)
    ):
        return "STARRING"  # "X played the title role", "X plays a bounty hunter"
    if (
        root.dep_ == "nsubj"
        and lemma == "be"
        and any(c.dep_ == "attr" and c.lemma_.lower() in _MUSIC_TRADES for c in head.children)
    ):  # "X was a jazz trumpeter"
        return "INVOLVES"
    if root.dep_ == "pobj" and head.lower_ == "by" and head.head.lemma_.lower() in _CREDIT_VERBS:
        return _CREDIT_VERBS[head.head.lemma_.lower()]  # "produced in Detroit by X"
    if (
        root.dep_ == "pobj"
        and head.lower_ == "by"
        and head.head.lemma_.lower() == "play"
        and head.head.pos_ == "VERB"  # not "a play by Arthur Miller"
    ):
        return "STARRING"  # "the princess, played by X"
    if root.dep_ == "pobj" and head.lower_ == "by" and head.head.lemma_.lower() in _BY_WORKS:
        return "INVOLVES"  # "the third film of the trilogy by X", "a story by X"
    if root.dep_ == "pobj" and head.lower_ == "by" and _of_the_same_name(head.head):
        return "WRITTEN_BY"  # "based on the book of the same name by X"
    if root.dep_ == "pobj" and head.lower_ == "from":
        work = head.head  # "this documentary from X", "a new film from X"
        if work.ent_type_ == "Genre" or work.lemma_.lower() in WORK_NOUNS:
            return "INVOLVES"
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.dep_ == "pobj":
        by = head.head.head  # "directed by the team of X and Y"
        if by.lower_ == "by" and by.head.lemma_.lower() in _CREDIT_VERBS:
            return _CREDIT_VERBS[by.head.lemma_.lower()]
    if (
        root.dep_ == "pobj"
        and head.lower_ in ("of", "about")
        and (head.head.lemma_.lower() in _SUBJECT_HEADS or _a_true_story(head.head))
    ):  # "the life of X", "the true story of X"
        return "INVOLVES"
    if root.dep_ in ("compound", "poss", "nmod") and lemma in WORK_NOUNS:
        return "INVOLVES"  # "the Beethoven sonatas", "Scorsese's films"
    acting = ("play", "star", "portray")
    for clause in root.children:  # "Jackie Coogan, who plays a boy …"
        who = any(c.dep_ == "nsubj" and c.lower_ == "who" for c in clause.children)
        if clause.dep_ == "relcl" and clause.lemma_.lower() in acting and who:
            return "STARRING"
    before = doc[span.start - 1] if span.start else None
    if before is not None and before.lemma_.lower() in _MUSIC_TRADES:
        # "the blues guitarist B.B. King", not "his producer Julie"
        return None if _someone_elses(span, False) else "INVOLVES"
    if any(_famous_as(c) for c in root.children if c.dep_ == "appos"):
        return "INVOLVES"  # "Beatrix Potter, the author of …"
    if root.dep_ == "appos" and _real(root.head):
        return "INVOLVES"  # "a real tobacco executive, Jeffrey Wigand"
    return "INVOLVES" if owns_a_work(span) else None


#: Nouns for what public people are known as ("the author of …", "America's … star").
_FAME_NOUNS = frozenset(
    [
        "author",
        "writer",
        "novelist",
        "poet",
        "playwright",
        "composer",
        "painter",
        "director",
        "filmmaker",
        "singer",
        "songwriter",
        "musician",
        "actor",
        "actress",
        "comedian",
        "comedienne",
        "star",
        "superstar",
        "icon",
        "legend",
        "artist",
        "rapper",
        "athlete",
        "champion",
        "founder",
        "inventor",
    ]
)


def _famous_as(noun: Token) -> bool:
    """An apposition that makes a name a public person's: a noun of fame with "the …
    of" or a place's possessive ("the author of the beloved book", "America's most
    unlikely sex star"), not a plot's "a struggling writer"."""
    if noun.lemma_.lower() not in _FAME_NOUNS:
        return False
    dets = {c.lower_ for c in noun.children if c.dep_ == "det"}
    has_of = any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children)
    owner = any(c.dep_ == "poss" and c.ent_type_ in ("GPE", "NORP") for c in noun.children)
    return ("the" in dets and has_of) or owner


def _someone_elses(span: Span, of_an_organisation: bool) -> bool:
    """Whether the role noun right before ``span`` is a plot's, not a credit: owned
    ("his producer Julie", "Mac's director") or, if ``of_an_organisation``, an
    organisation's ("CIA director Bill Cabot"); the word before the noun says so."""
    if span.start < 2:
        return False
    noun, before = span.doc[span.start - 1], span.doc[span.start - 2]
    if noun.pos_ != "NOUN" or before.head.i != noun.i:
        return False
    return before.dep_ == "poss" or (
        of_an_organisation and before.dep_ == "compound" and before.ent_type_ == "ORG"
    )


def _a_part(noun: Token) -> bool:
    """What an actor plays: a role ("the title role") or someone ("a bounty hunter", "the
    villain"), not a game or an instrument ("poker", "the piano")."""
    word = noun.lemma_.lower()
    return word in _ROLE_NOUNS or (noun.pos_ == "NOUN" and word in person_nouns())


def _writes_something_else(verb: Token) -> bool:
    """ "Ike writes an offensive column", "she writes letters": a plot's writing, where a
    credit's "X wrote the songs" / "X wrote and directed it" names a work or nothing."""
    if verb.lemma_.lower() not in ("write", "co-write", "pen"):
        return False
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NOUN"]
    return any(
        o.lemma_.lower() not in WORK_NOUNS | _WRITTEN_WORKS and o.ent_type_ != "Genre"
        for o in objects
    )  # "X writes dark ballads": a genre is a work


#: What a credited writer writes besides :data:`WORK_NOUNS`.
_WRITTEN_WORKS = frozenset(
    ["lyric", "story", "word", "poem", "ballad", "hit", "tune", "anthem", "verse", "chapter"]
)
#: Works whose "by X" is their author ("a novel by X", "a story by X", "a tale by X").
_BY_WORKS = (WORK_NOUNS | _WRITTEN_WORKS | {"tale"}) - {"word"}


def _of_the_same_name(noun: Token) -> bool:
    """ "name" of "the book of the same name": the work the film is based on."""
    return noun.lemma_.lower() == "name" and any(c.lower_ == "same" for c in noun.children)


def _real(noun: Token) -> bool:
    """A noun for someone qualified as real ("a real tobacco executive", "the real-life
    boxer")."""
    return noun.pos_ == "NOUN" and any(
        c.dep_ == "amod" and c.lower_ in ("real", "real-life") for c in noun.children
    )


def _a_true_story(noun: Token) -> bool:
    """ "the (incredible) true story", "the real-life tale", "true events": a story of real
    people ("true" not in quotes: Bubba Ho-tep's "true" story)."""
    return noun.lemma_.lower() in ("story", "tale", "event") and any(
        _said_plainly(c) for c in noun.children
    )


def about_real_people(doc: Doc) -> bool:
    """Whether the text says its story is real ("based on a true story", "inspired by true
    events", "a biopic", "the real-life story", "a documentary look at"): the people it
    names are then real.
    Found once per doc."""
    cached = doc.user_data.get(_REAL_KEY)
    if cached is None:
        cached = any(
            tok.lemma_.lower() in _REAL_LIFE_WORKS or _a_true_story(tok) or _a_documentary(tok)
            for tok in doc
        )
        doc.user_data[_REAL_KEY] = cached
    return bool(cached)


_REAL_KEY = "kgrec_about_real_people"


def _a_documentary(tok: Token) -> bool:
    """ "documentary" for the work ("A documentary look at …", "this documentary follows"),
    not for what someone makes ("a documentary filmmaker", "shooting a documentary")."""
    if tok.lower_ not in ("documentary", "documentaries"):
        return False
    head = tok.head.lemma_.lower()
    if tok.dep_ in ("compound", "amod", "nmod") and (head in person_nouns() or head in _CREWS):
        return False
    return tok.dep_ != "dobj"


#: Groups that make a documentary ("a documentary crew").
_CREWS = frozenset(["crew", "team", "unit", "company"])


def _said_plainly(tok: Token) -> bool:
    """ "true" / "real" before a story, not in quotes."""
    quoted = tok.i > 0 and tok.nbor(-1).text in _QUOTES
    return tok.lower_ in ("true", "real", "real-life") and not quoted


#: Words for a work about real people.
_REAL_LIFE_WORKS = frozenset(["biopic", "biography", "biographical", "docudrama", "autobiography"])


#: Quotation marks that open a work's title.
_QUOTES = frozenset(['"', "'", "“", "‘", "«"])


def owns_a_work(span: Span) -> bool:
    """ "X's third film", "X's albums", "X's horror story", "X's award winning book",
    "Goethe's 'Faust'": a possessive name before a work noun, across words that describe
    it, or before a title in quotes ("story" and "tale" only after a genre: "Jack's
    story" is a plot's)."""
    doc, end = span.doc, span.end
    if end < len(doc) and doc[end].tag_ == "POS":
        if end + 2 < len(doc) and doc[end + 1].text in _QUOTES and doc[end + 2].is_title:
            return True  # "Shakespeare's "Henry IV"", "Goethe's 'Faust'"
        genre = False
        for tok in doc[end + 1 : end + 5]:
            lemma = tok.lemma_.lower()
            if tok.pos_ == "NOUN" and (
                lemma in WORK_NOUNS | MADE_NOUNS or (genre and lemma in ("story", "tale"))
            ):
                return True
            genre = genre or tok.ent_type_ == "Genre"
            # "X's award winning book": words that describe the work before it
            describes = tok.pos_ in ("ADJ", "NUM", "ADV", "PUNCT", "NOUN") or tok.tag_ in (
                "VBG",
                "VBN",
            )
            if not describes and tok.ent_type_ != "Genre":
                break
    return False


#: Nouns after an organisation's name that make it the maker of the item ("a Warner Bros.
#: picture", "a Motown single", "a Netflix series").
MADE_NOUNS = frozenset(
    [
        "production",
        "productions",
        "picture",
        "pictures",
        "release",
        "releases",
        "presentation",
        "film",
        "films",
        "movie",
        "movies",
        "series",
        "show",
        "shows",
        "documentary",
        "album",
        "albums",
        "single",
        "singles",
        "record",
        "records",
        "label",
        "original",
        "originals",
    ]
)


#: What a person has and a place has not ("Barrie's life", "Gwen's father").
PERSONAL_NOUNS = frozenset(
    [
        "life",
        "father",
        "mother",
        "wife",
        "husband",
        "son",
        "daughter",
        "brother",
        "sister",
        "friend",
        "friends",
        "family",
        "girlfriend",
        "boyfriend",
        "lover",
        "parents",
        "uncle",
        "aunt",
        "career",
        "death",
        "birthday",
    ]
)


def acts_like_a_person(span: Span) -> bool:
    """A one-word place NER found that the sentence treats as a person: the subject of a
    verb of action ("Barrie meets Sylvia"; a place is at most "home to" something), the
    owner of a life or a relative ("Barrie's life"), in apposition with a noun for
    someone ("the caretaker, Jacinto", "Charlotte, a spider"), listed with a person
    ("Lucas, Perry and Meg") or what a verb does to a person ("asks Agnes to …")."""
    if len(span) != 1:
        return False
    doc = span.doc
    if (
        span.start >= 2
        and doc[span.start - 1].text == ","
        and doc[span.start - 2].ent_type_
        in (
            "GPE",
            "LOC",
            "FAC",
        )
    ):
        return False  # "In Casablanca, Morocco": a place after a place, whatever the parse
    before = doc[span.start - 1] if span.start else None
    if before is not None and before.pos_ == "NOUN" and before.lower_ in person_nouns():
        return True  # "his real bride Victoria", "the caretaker Jacinto"
    tok = first_conjunct(span.root)
    if tok.dep_ == "pobj" and tok.head.lower_ in ("in", "at") and tok.head.i == tok.sent.start:
        return False  # "In Australia, a gang murders a cop": a setting, whatever the parse
    if tok.dep_ == "nsubj" and tok.head.pos_ == "VERB":
        return tok.head.lemma_.lower() not in _PLACE_VERBS
    if tok.dep_ == "poss" and tok.head.lemma_.lower() in PERSONAL_NOUNS | WORK_NOUNS:
        return True
    described = [tok.head] if tok.dep_ == "appos" else []
    described += [c for c in tok.children if c.dep_ == "appos"]
    if any(_apposition_for_someone(tok, d) for d in described):
        return True
    listed = [c for c in tok.subtree if c.dep_ == "conj"]
    if len(listed) >= 2 and all(c.ent_type_ in ("PERSON", "ORG") for c in listed):
        return True  # "Lucas, Perry and Meg": NER's PERSON and ORG for names
    return tok.dep_ == "dobj" and tok.head.lemma_.lower() in _PERSON_OBJECT_VERBS


def _apposition_for_someone(tok: Token, other: Token) -> bool:
    """``other`` is a noun or an age set off by a comma beside ``tok`` that is not a
    place's noun; a year is no age ("Havana, Cuba, 1979")."""
    lo, hi = sorted((tok.i, other.i))
    a_year = other.pos_ == "NUM" and len(other.text) == 4 and other.text.isdigit()
    return (
        other.pos_ in ("NOUN", "NUM")
        and not a_year
        and other.lemma_.lower() not in PLACE_NOUNS
        and any(t.text == "," for t in tok.doc[lo:hi])
    )


#: Nouns a place stands in apposition with ("Providence's Italian neighbourhood, Federal Hill").
PLACE_NOUNS = frozenset(
    [
        "city",
        "town",
        "village",
        "country",
        "state",
        "region",
        "capital",
        "neighborhood",
        "neighbourhood",
        "district",
        "island",
        "province",
        "home",
        "hometown",
        "birthplace",
        "area",
        "county",
        "kingdom",
        "planet",
        "world",
        "place",
        "resort",
        "port",
        "suburb",
        "colony",
        "territory",
        "nation",
        "republic",
        "land",
        "valley",
        "continent",
        "borough",
        "community",
        "settlement",
    ]
)
#: Verbs whose object is someone ("asks Agnes to be his wife", "marries Ann").
_PERSON_OBJECT_VERBS = frozenset(
    [
        "ask",
        "tell",
        "marry",
        "meet",
        "kill",
        "murder",
        "hire",
        "persuade",
        "convince",
        "seduce",
        "befriend",
        "kiss",
        "date",
        "rescue",
        "warn",
        "invite",
        "urge",
        "beg",
        "help",
        "adopt",
    ]
)


#: Verbs a place can be the subject of ("Tokyo hosts", "London burns").
_PLACE_VERBS = frozenset(
    [
        "host",
        "burn",
        "lie",
        "sit",
        "stand",
        "border",
        "face",
        "become",
        "remain",
        "fall",
        "rise",
        "sleep",
        "wait",
        "await",
    ]
)


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
    out: list[Span] = []
    if not any(t.lemma_.lower() in _ABOUT_HEADS for t in doc_span):
        return out  # noun chunks cost more than the whole look
    for chunk in doc_span.noun_chunks:
        root = first_conjunct(chunk.root)
        if root.dep_ not in ("pobj", "dobj") or root.head.lemma_.lower() not in _ABOUT_HEADS:
            continue
        # "a film about X"; not "he has forgotten about X"
        if (
            root.head.lower_ == "about"
            and root.head.head.lemma_.lower() in _ABOUT_VERBS | _OPINIONS
        ):
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


def cast_in_parentheses(doc: Doc) -> list[Span]:
    """Names in parentheses right after a character's name or role, the way plot
    summaries give the cast: "Billy Hoyle (Woody Harrelson)", "a cop (Matthew
    McConaughey)", "a man (Campbell)", "his parents (Coolidge, Willard)", "Nathan (Kevin
    Kline in his feature film debut)". One to four
    capitalised words a name, whatever NER made of them; not after a place ("the island
    of Crete (Kriti)"), and a lone word not a known place's name. Found once per doc
    (:func:`credit` asks for every name in it)."""
    cached = doc.user_data.get(_CAST_KEY)
    if cached is not None:
        return [doc[start:end] for start, end in cached]
    out = []
    for tok in doc:
        before = doc[tok.i - 1] if tok.i else None
        if tok.text != "(" or before is None or not before.is_alpha:
            continue
        if _a_place(before):
            continue
        end = tok.i + 1
        while end < len(doc) and end - tok.i <= 14 and doc[end].text != ")":
            end += 1
        if end >= len(doc) or doc[end].text != ")":
            continue
        inside = list(doc[tok.i + 1 : end])
        for k, t in enumerate(inside[:-1]):
            if t.lower_ == "in" and inside[k + 1].lower_ in ("his", "her", "their"):
                inside = inside[:k]  # "(Kevin Kline in his feature film debut)"
                break
        parts: list[list[Token]] = [[]]
        for t in inside:
            if t.text == "," or t.lower_ == "and":
                parts.append([])
            else:
                parts[-1].append(t)
        names = [p for p in parts if p]
        if names and all(_a_cast_name(p) for p in names):
            out += [doc[p[0].i : p[-1].i + 1] for p in names]
    doc.user_data[_CAST_KEY] = [(span.start, span.end) for span in out]
    return out


#: Where :func:`cast_in_parentheses` keeps a doc's cast (token offsets).
_CAST_KEY = "kgrec_cast_in_parentheses"


def _a_place(tok: Token) -> bool:
    """A place's name: NER's, a known one, or "the island of X"."""
    of = tok.head if tok.dep_ == "pobj" else None
    return (
        tok.ent_type_ in ("GPE", "LOC", "FAC")
        or tok.text in known_places()
        or (of is not None and of.lower_ == "of" and of.head.lemma_.lower() in PLACE_NOUNS)
    )


def _a_cast_name(words: list[Token]) -> bool:
    """One to four words that each begin with a capital ("McConaughey", "O'Neill"), a
    lone one no known place's name."""
    if not 1 <= len(words) <= 4:
        return False
    if len(words) == 1:
        word = words[0]
        return (
            word.is_alpha
            and word.text[0].isupper()
            and not word.is_upper
            and word.text not in known_places()
        )
    return all(t.text[:1].isupper() or t.text in ".-'" for t in words)


def after_a_place_nouns_of(doc: Doc, i: int, nouns: frozenset[str] = PLACE_NOUNS) -> bool:
    """Whether token ``i`` follows "<place noun> of" ("the island of Eden")."""
    return i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lemma_.lower() in nouns


#: Place nouns whose "of" names the place ("the city of Zion"), not a part or an owner
#: ("the capital of France" names its city, "the home of Elvis" his house).
_PLACE_OF_NOUNS = frozenset(
    ["city", "town", "village", "kingdom", "planet", "island", "land", "province", "state"]
)


def places_called(doc: Doc) -> list[Span]:
    """Names a place's noun introduces: "a Mormon community called Brigham", "a planet
    named Arrakis", "the human city of Zion", "the kingdom of Arendelle"."""
    out = []
    for tok in doc[2:]:
        before = doc[tok.i - 1]
        called = (
            before.lower_ in ("called", "named") and doc[tok.i - 2].lemma_.lower() in PLACE_NOUNS
        )
        if (
            tok.pos_ == "PROPN"
            and (tok.i == 0 or doc[tok.i - 1].pos_ != "PROPN")
            and (called or after_a_place_nouns_of(doc, tok.i, _PLACE_OF_NOUNS))
        ):
            end = tok.i
            while end < len(doc) and doc[end].pos_ == "PROPN":
                end += 1
            out.append(doc[tok.i : end])
    return out
