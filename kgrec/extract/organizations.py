"""Organisations in text: which names NER calls ORG the grammar backs, the ones it misses
("Radiohead are a band", "released on Blue Note"), and when one is the item's maker."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from spacy.tokens import Doc, Span

from kgrec.extract.census import given_names, surnames
from kgrec.extract.events import EVENT_NOUNS
from kgrec.extract.rules import MADE_NOUNS, WORK_NOUNS, first_conjunct, owns_a_work
from kgrec.extract.wordnet import famous_people, organization_names

#: Words that make a name an organisation's ("Maryland School of the Arts", "Delta Force").
ORG_WORDS = frozenset(
    [
        "academy",
        "agency",
        "airlines",
        "army",
        "association",
        "band",
        "bank",
        "bros.",
        "brothers",
        "bureau",
        "club",
        "college",
        "committee",
        "company",
        "corp",
        "corp.",
        "corporation",
        "council",
        "department",
        "entertainment",
        "films",
        "force",
        "foundation",
        "gang",
        "group",
        "guild",
        "inc",
        "inc.",
        "institute",
        "league",
        "ltd",
        "ltd.",
        "mafia",
        "media",
        "network",
        "news",
        "orchestra",
        "organization",
        "organisation",
        "party",
        "pictures",
        "police",
        "productions",
        "records",
        "recordings",
        "school",
        "service",
        "society",
        "squad",
        "studio",
        "studios",
        "team",
        "tribe",
        "university",
        "church",
        "archdiocese",
        "diocese",
        "ministry",
        "parliament",
        "congress",
        "senate",
        "government",
        "navy",
        "corps",
        "times",
        "globe",
        "herald",
        "tribune",
        "journal",
        "gazette",
        "magazine",
        "hospital",
        "museum",
        "institution",
        "railways",
        "motors",
        "industries",
        "laboratories",
        "labs",
        "technologies",
        "pharmaceuticals",
        "fc",
        # groups WordNet files under organisations ("the Deep Eyes Squadron")
        "squadron",
        "brigade",
        "battalion",
        "regiment",
        "platoon",
        "legion",
        "fellowship",
        "brotherhood",
        "sisterhood",
        "alliance",
        "coalition",
        "cartel",
        "syndicate",
        "consortium",
        "militia",
        "troupe",
        "choir",
        "fraternity",
        "sorority",
        "seminary",
        "conservatory",
        "commission",
        "directorate",
        "constabulary",
        "patrol",
        "cult",
        "sect",
        "unit",
    ]
)


#: Words before an organisation's name that say what it is ("the band X", "label X").
ORG_CUES = frozenset(
    [
        "band",
        "group",
        "label",
        "studio",
        "network",
        "company",
        "firm",
        "agency",
        "channel",
        "broadcaster",
        "duo",
        "trio",
        "quartet",
        "orchestra",
        "ensemble",
        "collective",
    ]
)


def school_or_team(span: Span) -> bool:
    """A name that a school's "High" ends or "Team" opens ("Ridgemont High", "Team USA
    Hockey"), not one of a single word ("High Noon" has no name before "High")."""
    words = [t for t in span if not t.is_punct and t.tag_ != "POS"]
    return len(words) >= 2 and (words[-1].text == "High" or words[0].text == "Team")


def organization(span: Span) -> bool:
    """Whether the grammar backs an ORG guess: an acronym ("FBI"), an organisation word in
    the name ("Delta Force"), a maker's noun after it ("a Netflix series"), or a word
    before it that says what it is ("the band Low"). The small English model calls many
    characters and places ORG ("Crockett", "Ming the Merciless"); they fail all four."""
    words = [t for t in span if not t.is_punct]
    if not words or not any(c.isupper() for c in span.text):
        return False  # "gangsta rap": a lower-case word is no organisation's name
    if len(words) == 1 and words[0].is_upper and words[0].is_alpha and len(words[0]) >= 2:
        return True
    if any(t.lower_ in ORG_WORDS for t in words) or school_or_team(span):
        return True
    if made_by(span):
        return True
    root = first_conjunct(span.root)
    if (
        root.dep_ == "nsubj"
        and root.head.lemma_.lower() == "be"
        and any(c.dep_ == "attr" and c.lower_ in ORG_CUES for c in root.head.children)
    ):  # "X are a rock band"
        return True
    before = span.doc[span.start - 1] if span.start else None
    return before is not None and before.lower_ in ORG_CUES


def listed_organization(span: Span) -> bool:
    """A name WordNet lists as an organisation's ("Scotland Yard", "the Gestapo", "IRA"),
    not where NER reads it as a people or faith ("the Soviets"). One word that is also a
    surname or a given name, or that opens a sentence, counts only where NER calls it an
    organisation ("a Harvard student", not "Penn", not "Fed up with school"); an acronym
    is no one's name ("IRA", not "Ira")."""
    text = span.text[4:] if span.text.lower().startswith("the ") else span.text
    if text not in organization_names() or span[-1].ent_type_ == "NORP":
        return False
    word = text.casefold()
    if " " in text or text.isupper():
        return True
    if span.root.pos_ in ("VERB", "AUX", "ADV", "ADP"):
        return False  # "Fed up with school"
    a_name = word in surnames() or word in given_names()
    return span.root.ent_type_ == "ORG" if a_name or span.start == span.sent.start else True


def made_by(span: Span) -> bool:
    """Whether the wording makes an organisation the item's maker: a maker's noun or a
    genre right after it ("a Warner Bros. picture", "an A24 horror"), "produced / released
    by X", "released on X", "from X" after a work noun ("a film from Pixar")."""
    doc = span.doc
    if span.end < len(doc):
        nxt = doc[span.end]
        if nxt.lower_ in MADE_NOUNS or (nxt.ent_type_ == "Genre" and nxt.pos_ != "ADJ"):
            return True
    if owns_a_work(span):
        return True
    window = doc[max(0, span.start - 3) : span.start].text.lower()
    if window.endswith(("produced by", "released by", "released on", "distributed by")):
        return True
    prev = doc[span.start - 1] if span.start else None
    return (
        prev is not None
        and prev.lower_ == "from"
        and prev.head.lemma_.lower() in MADE_NOUNS | WORK_NOUNS
    )


def looks_like_a_name(span: Span) -> bool:
    """Two capitalised words and nothing else ("Leo Bloom"): a person's name NER took for
    an organisation's. Three or more ("Doctors Without Borders") read as an organisation."""
    words = [t for t in span if not t.is_punct]
    return len(words) == 2 and all(t.is_alpha and t.is_title for t in words)


#: NER labels a studio, label or broadcaster's name often gets.
_ORG_LIKE = {"ORG", "GPE", "PRODUCT", "FAC", "NORP", "WORK_OF_ART"}


_RELEASE_VERBS = {"release", "sign", "issue", "distribute", "air", "broadcast", "stream"}


def organization_phrases(doc: Doc) -> list[Span]:
    """Runs of proper nouns the grammar makes organisations, whatever NER said of them:

    * a maker's noun after it: "a Netflix series", "a Warner Bros. picture";
    * released / signed on or to it: "released on Blue Note", "signed to Motown";
    * the subject of "be" with a group noun: "Radiohead are an English rock band";
    * "the" and a plural name: "the Beatles' last album", "the Smiths";
    * a group noun before it: "the band Low";
    * "crime family" after it, which joins the name: "the Corleone crime family".

    NER's PERSON guess for a run wins over the maker's-noun rule ("a Hitchcock film" is a
    director's); the others hold against it, as people take no "the" and are no band. A
    real person's full name WordNet knows is never one ("the Charles Dickens story")."""
    out: list[Span] = []
    i = 0
    while i < len(doc):
        if doc[i].pos_ != "PROPN":
            i += 1
            continue
        j = i
        while j < len(doc) and (doc[j].pos_ == "PROPN" or (doc[j].text in ("&", ".") and j > i)):
            j += 1
        span = doc[i:j]
        if span[-1].text in ("&", "."):
            span = doc[i : j - 1]
        if [t.lower_ for t in doc[span.end : span.end + 2]] in _CRIME_GROUPS:
            start = span.start + (len(span) > 1 and doc[span.start - 1].text == "-")
            out.append(doc[start : span.end + 2])  # "the Corleone crime family", not
            # "Italian-American Corleone crime family"
        # "the Charles Dickens story" reads as a company's; WordNet knows him
        elif _grammar_says_org(span) and not famous_people().full_name(span.text, lone="none"):
            out.append(span)
        i = j
    return out


#: A family or ring named after its head: an organisation, name and all.
_CRIME_GROUPS = [["crime", "family"], ["crime", "syndicate"], ["crime", "ring"], ["crime", "clan"]]


def _grammar_says_org(span: Span) -> bool:
    if listed_organization(span):
        return True
    doc = span.doc
    person = span[-1].ent_type_ == "PERSON"
    before = doc[span.start - 1] if span.start else None
    end = span.end + (span.end < len(doc) and doc[span.end].text == ".")  # "Warner Bros."
    after = doc[end] if end < len(doc) else None
    if after is not None and after.tag_ == "POS" and end + 1 < len(doc):
        after = doc[end + 1]  # "the Beatles' last album"
    # a lone unknown surname before "film" is a director's ("a Hitchcock film")
    named = span[-1].ent_type_ in _ORG_LIKE or any(
        t.lower_ in ORG_WORDS or t.is_upper or any(c.isdigit() for c in t.text) for t in span
    )
    if (
        after is not None
        and after.lower_ in MADE_NOUNS
        and named
        and span.root.dep_
        in (
            "compound",
            "nmod",
            "amod",
            "poss",
        )
    ):
        return True
    root = span.root
    if (
        root.dep_ == "pobj"
        and root.head.lower_ in ("on", "to", "by")
        and root.head.head.lemma_.lower() in _RELEASE_VERBS
    ):
        return True
    if (
        root.dep_ == "nsubj"
        and root.head.lemma_.lower() == "be"
        and any(c.dep_ == "attr" and c.lower_ in ORG_CUES for c in root.head.children)
    ):
        return True
    plural = before is not None and before.lower_ == "the" and span[-1].lower_.endswith("s")
    # "the Beatles", "the early days of the Beatles", not "the Americans" nor "the Lord
    # of the Rings" (a name's "of")
    in_a_name = root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "PROPN"
    event = span[-1].lower_ in EVENT_NOUNS  # "the Clone Wars", "the Hunger Games"
    if plural and span[-1].ent_type_ != "NORP" and not in_a_name and not event:
        return span[-1].tag_ == "NNPS" or person
    if before is not None and before.lower_ in ("called", "named") and span.start >= 2:
        return doc[span.start - 2].lemma_.lower() in ORG_CUES | _NAMED_GROUPS
    return before is not None and before.lower_ in ORG_CUES


#: Nouns for groups that "called X" / "named X" after them names ("a corporation called
#: Eventualism").
_NAMED_GROUPS = frozenset(
    [
        "corporation",
        "organization",
        "organisation",
        "cult",
        "sect",
        "gang",
        "club",
        "team",
        "school",
        "college",
        "university",
        "church",
        "party",
        "society",
        "company",
    ]
)


def acronym_organizations(doc: Doc, known_word: Callable[[str], bool]) -> list[Span]:
    """An acronym NER passed over that names something before a noun ("a corrupt LAPD
    officer") or after "the" ("help from the LAPD"), when it is no English word ("a SWAT
    team", "a DNA test", "a TV show"; the lexicon also knows some organisations'
    acronyms, "IRA", which WordNet's list of organisations then finds)."""
    out = []
    for tok in doc:
        before_a_noun = (
            tok.dep_ in ("compound", "nmod", "amod")
            and tok.head.pos_ == "NOUN"
            and tok.head.i > tok.i
        )
        # "help from the LAPD": a name "the" points to, three letters or more
        named = tok.i > 0 and doc[tok.i - 1].lower_ == "the" and len(tok) >= 3
        if (
            tok.is_upper
            and tok.is_alpha
            and 2 <= len(tok) <= 5
            and not tok.ent_type_
            and (before_a_noun or (named and tok.dep_ in _NAMED_DEPS))
            and not known_word(tok.text)
        ):
            out.append(doc[tok.i : tok.i + 1])
    return out


#: Where "the" + an acronym stands as a name: an object or a subject.
_NAMED_DEPS = frozenset(["pobj", "dobj", "nsubj", "nsubjpass", "conj", "appos"])


#: A country's bodies named after it in lower case ("the US government").
_STATE_BODIES = frozenset(["government", "army", "navy"])


def extended_organizations(ents: Sequence[Span]) -> list[Span]:
    """An entity followed by capitalised words that end in an organisation word is that
    organisation: "John Hughes" (PERSON) + "High School" is "John Hughes High School",
    "Ridgemont" + "High" is "Ridgemont High", "the United States" + "Government"; a name
    that ends in "High" is a school ("Pacific Palisades High", "Lizzie Borden High's
    class"); "Team" before a name makes a team ("Team USA Hockey"); a country followed by
    its government, army or navy is that body ("the US government")."""
    out: list[Span] = []
    labels = ("PERSON", "GPE", "ORG", "FAC", "Organization", "Place")  # ours: vocabularies'
    for ent in ents:
        doc, start, end = ent.doc, ent.start, ent.end
        while end < len(doc) and doc[end].is_title and doc[end].ent_type_ == "":
            end += 1
        while end > ent.end and doc[end - 1].tag_ == "POS":
            end -= 1
        last = doc[end - 1] if doc[end - 1].tag_ != "POS" else doc[end - 2]
        school = last.text == "High" and last.i > start  # "Ridgemont High", not "High Noon"
        team = start > 0 and doc[start - 1].text == "Team" and ent.label_ in labels
        if team:
            start -= 1
        worded = end > ent.end and last.lower_ in ORG_WORDS
        if ent.label_ in labels and (team or school or worded):
            out.append(Span(doc, start, last.i + 1, "ORG"))
        elif ent.label_ in ("GPE", "Place") and end < len(doc) and doc[end].lower_ in _STATE_BODIES:
            out.append(Span(doc, start, end + 1, "ORG"))  # "the US government"
        else:
            out.append(ent)
    return out
