"""Extractor: free text → canonical attribute mentions (spaCy + BERT)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from kgrec.config import ExtractConfig
from kgrec.extract.canonical import Canonicalizer, clean_surface, fold_key
from kgrec.extract.census import given_names, surnames
from kgrec.extract.encoder import TextEncoder
from kgrec.extract.events import event_phrases
from kgrec.extract.kinds import ner_kind
from kgrec.extract.lexicon import is_known_word, lexicon
from kgrec.extract.mention import Mention
from kgrec.extract.nlp import (
    ARTIST_LABEL,
    CONNECTORS,
    INTENSIFIERS,
    TITLE_LABEL,
    add_entity_ruler,
    load_pipeline,
)
from kgrec.extract.organizations import (
    acronym_organizations,
    extended_organizations,
    made_by,
    organization_phrases,
)
from kgrec.extract.places import places_named, places_of_a_title
from kgrec.extract.rules import (
    about_phrases,
    about_real_people,
    cast_in_parentheses,
    credit,
    joined_names,
    person_role,
    places_called,
    polarity,
    trim_name,
)
from kgrec.extract.synonyms import meaning_keys
from kgrec.extract.tag_names import artist_kinds, people_tags
from kgrec.extract.wordnet import TITLES, famous_people, fictional_names
from kgrec.graph.kg import normalise_key
from kgrec.graph.schema import GraphSchema, load_schema

RULER_SCORE, NER_SCORE, GRAMMAR_SCORE, PHRASE_SCORE = 1.0, 0.85, 0.8, 0.6
#: Wraps texts on their way into spaCy (a progress bar, say): ``feed(texts)`` yields them.
Feed = Callable[[Sequence[str]], Iterable[str]]
#: Score of a tag that no rule recognised and that becomes a Theme as it is.
TAG_THEME_SCORE = 0.7


class Extractor:
    """Finds attribute mentions in texts and links them to canonical attribute names.

    Build with :meth:`from_config`. The spaCy pipeline gets an EntityRuler fed by the
    schema's vocabularies and by ``known_names`` (names already known from metadata,
    e.g. ``{"Person": [...], "TITLE": [catalogue titles]}``; ``"ARTIST"``: the names of a
    music catalogue's artists, which tags may name); the BERT encoder is loaded on first
    use. ``anchors`` are attribute names that already exist (e.g. in a built graph),
    which new mentions link to in preference to new names.
    """

    def __init__(
        self,
        nlp: Language,
        schema: GraphSchema,
        config: ExtractConfig,
        encoder: TextEncoder | None = None,
        anchors: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.nlp, self.schema, self.config = nlp, schema, config
        #: A music catalogue's artists by :func:`_act_key`, for tags that name one.
        self.artists: dict[str, str] = {}
        self._encoder = encoder
        self.canonicalizer = Canonicalizer(
            schema,
            self._embed,
            config.merge_threshold,
            anchors,
            known_word=self._known_word,
            meanings=meaning_keys,
        )
        self._genre_heads = genre_heads(schema)
        self._genre_endings: frozenset[str] | None = None

    @classmethod
    def from_config(
        cls,
        config: ExtractConfig | None = None,
        *,
        schema: GraphSchema | None = None,
        known_names: Mapping[str, Iterable[str]] | None = None,
        anchors: Mapping[str, Iterable[str]] | None = None,
        encoder: TextEncoder | None = None,
    ) -> Extractor:
        """Load the configured spaCy pipeline (default: an installed en_core_web_sm)."""
        config = config or ExtractConfig()
        schema = schema or load_schema()
        nlp = load_pipeline(config.spacy_model)
        names = dict(known_names or {})
        artists = names.pop(ARTIST_LABEL, ())
        add_entity_ruler(nlp, schema, names)
        extractor = cls(nlp, schema, config, encoder, anchors)
        extractor.know({ARTIST_LABEL: artists})
        return extractor

    def know(self, names: Mapping[str, Iterable[str]]) -> None:
        """Add names known from metadata or tags (``{"Person": [...]}``): the EntityRuler
        labels them from now on, and they become anchors for canonicalisation; the names
        of a music catalogue's artists (``{"ARTIST": [...]}``) are kept for tags that name
        one."""
        names = dict(names)
        for artist in names.pop(ARTIST_LABEL, ()):
            if artist.strip():
                self.artists[_act_key(artist)] = artist.strip()
        if "kgrec_ruler" not in self.nlp.pipe_names:
            add_entity_ruler(self.nlp, self.schema)
        ruler = self.nlp.get_pipe("kgrec_ruler")
        patterns = [
            {"label": kind, "pattern": name, "id": name}
            for kind, values in names.items()
            for name in values
            if name
        ]
        if patterns:
            with self.nlp.select_pipes(enable=[]):
                ruler.add_patterns(patterns)  # type: ignore[attr-defined]
        for kind, values in names.items():
            known = self.canonicalizer.anchors.setdefault(kind, [])
            known.extend(v for v in values if v not in known)

    @property
    def encoder(self) -> TextEncoder:
        """The BERT encoder (loaded on first use)."""
        if self._encoder is None:
            self._encoder = TextEncoder.from_pretrained(
                self.config.encoder_model, self.config.device, self.config.encoder_batch_size
            )
        return self._encoder

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode(texts)

    def extract(
        self,
        texts: Sequence[str],
        feed: Feed | None = None,
        descriptions: Sequence[bool] | None = None,
    ) -> list[list[Mention]]:
        """Mentions per text, with canonical names resolved across all the texts given.

        ``feed`` wraps the texts on their way into spaCy (a progress bar, say).
        ``descriptions`` marks the texts that describe an item (default: none): there, a
        name NER found is a person linked to the item only where the wording credits them
        (a role cue, "X wrote the songs", "X's third film", an actor in parentheses), here
        or, for a full name, in any of the texts; "Jack falls for Rose" names characters,
        who are left out. A user who writes "I love Nolan" means a person."""
        stream = feed(texts) if feed is not None else texts
        raw = [
            self._mentions(doc)
            for doc in self.nlp.pipe(
                stream, batch_size=self.config.batch_size, n_process=self.config.n_process
            )
        ]
        raw = [_link_surnames_in_text(_without_fiction(m)) for m in self._vote_kinds(raw)]
        if descriptions is not None:
            # a full name credited in any text is a real person in every text
            real = {c for c in _credited([m for ms in raw for m in ms]) if " " in c}
            raw = [
                _without_characters(mentions, real) if desc else mentions
                for mentions, desc in zip(raw, descriptions, strict=True)
            ]
        by_kind: dict[str, list[str]] = {}
        for mentions in raw:
            for m in mentions:
                by_kind.setdefault(m.kind, []).append(m.canonical)
        maps = {
            kind: self.canonicalizer.canonical_map(kind, names) for kind, names in by_kind.items()
        }
        return [
            [
                Mention(
                    m.text,
                    m.kind,
                    maps[m.kind][m.canonical],
                    m.start,
                    m.end,
                    m.score,
                    m.relation,
                    m.polarity,
                )
                for m in mentions
                if maps[m.kind][m.canonical]
            ]
            for mentions in raw
        ]

    def extract_tags(self, tags: Sequence[str]) -> list[list[Mention]]:
        """Mentions of short tags ("sci-fi", "Tom Hanks", "dark comedy", "twist ending").

        A tag of several words that ends in a genre's head word and holds no attribute of
        another kind is one genre ("experimental rock", "j-punk", "new mpb"). Another tag
        that the extractor reads as mentions covering all its words keeps them (a name, a
        genre, "dark" + "comedy"); any other tag is one Theme, canonicalised with the
        other themes (vocabulary, then embedding merge). A tag in lower case that nothing
        recognises is read again with capitals, for the places NER knows only so
        ("sahara"); one that looks like a name and that the encoder puts among people is
        a Person ("cyndi lauper": :mod:`kgrec.extract.tag_names`), and so is one that
        names someone real WordNet knows, by full name ("kubrick": Stanley Kubrick,
        :mod:`kgrec.extract.wordnet`)."""
        found = self._with_capitals(tags, self.extract(tags))
        out: list[list[Mention] | str | None] = []
        for tag, mentions in zip(tags, found, strict=True):
            covered: set[int] = set()
            for m in mentions:
                covered.update(range(m.start, m.end))
            connectors = {i for m in _CONNECTOR.finditer(tag) for i in range(*m.span())}
            words = [i for i, ch in enumerate(tag) if ch.isalnum() and i not in connectors]
            lead = _INTENSIFIER.match(tag)
            if lead and len(mentions) == 1 and mentions[0].start == lead.end():
                mentions = [replace(mentions[0], text=tag, start=0)]  # "very funny": funny
                covered.update(range(0, lead.end()))
            if self._genre_tag(tag, mentions):
                out.append("Genre")
            else:
                out.append(mentions if mentions and covered.issuperset(words) else None)
        known: dict[str, str] = {}  # tags that name someone real, with the full name
        acts = self._artist_tags(tags, out)
        for k, (kind, name) in acts.items():
            out[k], known[tags[k]] = kind, name
        if "Person" in self.schema.attribute_kinds:
            unknown = [k for k, got in enumerate(out) if got is None]
            real = famous_people()
            known.update((tags[k], n) for k in unknown if (n := real.full_name(tags[k])))
            people = people_tags([tags[k] for k in unknown], self.nlp, self._embed)
            for k, person in zip(unknown, people, strict=True):
                # never a fictional one: "james bond", "peter pan"
                real_one = (person and not _fictional(tags[k])) or tags[k] in known
                out[k] = "Person" if real_one else None
        # one mention per tag, of these kinds
        whole: dict[str, list[str]] = {k: [] for k in ("Theme", "Genre", "Person", "Organization")}
        for tag, got in zip(tags, out, strict=True):
            if not isinstance(got, list):
                surface = clean_surface(tag)
                if got in ("Person", "Organization") and tag in known:
                    surface = known[tag]  # "kubrick": Stanley Kubrick; "pearl jam": Pearl Jam
                elif got == "Person" and surface.islower():
                    surface = surface.title()  # "cyndi lauper": Cyndi Lauper
                whole[got or "Theme"].append(surface)
        canon = {kind: iter(self.canonicalize(names, kind=kind)) for kind, names in whole.items()}
        result: list[list[Mention]] = []
        for tag, got in zip(tags, out, strict=True):
            if isinstance(got, list):
                result.append(got)
                continue
            kind = got or "Theme"
            name = next(canon[kind])
            if kind not in ("Person", "Organization"):
                name = name.lower() if name == clean_surface(tag) else name
            result.append([Mention(tag, kind, name, 0, len(tag), TAG_THEME_SCORE)] if name else [])
        return result

    def _with_capitals(
        self, tags: Sequence[str], found: list[list[Mention]]
    ) -> list[list[Mention]]:
        todo = [  # not a style of a genre: "british rock" is no place with capitals
            k
            for k, (t, m) in enumerate(zip(tags, found, strict=True))
            if not m and t.islower() and not self._genre_tag(t, [])
        ]
        again = self.extract([tags[k].title() for k in todo]) if todo else []
        out = list(found)
        for k, mentions in zip(todo, again, strict=True):
            whole = [m for m in mentions if (m.start, m.end) == (0, len(tags[k]))]
            # only a place NER gives the whole tag: with capitals, any two words read to
            # it as a person ("Serial Killer", "Comic Book"); and one English word
            # capitalised reads to it as a place now and then ("Stupid", "Deadpan")
            one_word = " " not in tags[k].strip()
            if (
                whole
                and whole[0].score == NER_SCORE
                and whole[0].kind == "Place"
                and not (one_word and self._known_word(tags[k]))
            ):
                out[k] = [replace(whole[0], text=tags[k])]
        return out

    def _artist_tags(
        self, tags: Sequence[str], found: Sequence[list[Mention] | str | None]
    ) -> dict[int, tuple[str, str]]:
        """The tags nothing else recognised that name an artist of the catalogue, each
        with its kind (:func:`kgrec.extract.tag_names.artist_kinds`) and the name as the
        catalogue writes it. One English word is no artist's name here ("love", "muse"):
        such a tag is more often what it says than a band."""
        if not self.artists or not {"Person", "Organization"} <= set(self.schema.attribute_kinds):
            return {}
        todo = [
            k
            for k, got in enumerate(found)
            if got is None
            and (key := _act_key(tags[k])) in self.artists
            and any(ch.isalpha() for ch in key)  # "2002" is a year more often than a band
            and not (" " not in key and self._known_word(key))
        ]
        names = [self.artists[_act_key(tags[k])] for k in todo]
        kinds = artist_kinds(names, self.nlp, self._embed)
        return {k: (kind, name) for k, kind, name in zip(todo, kinds, names, strict=True)}

    def _genre_tag(self, tag: str, mentions: list[Mention]) -> bool:
        words = [w for w in re.split(r"[\s\-/]+", tag.casefold()) if w]
        return (
            bool(words)
            and (len(words) >= 2 or self._coined_genre(words[0]))
            and not _CONNECTOR.search(tag)  # "house and disco" is two genres
            and not any(w in _FUNCTION_WORDS for w in words)  # "a house in the country"
            and (words[-1] in self._genre_heads or self._coined_genre(words[-1]))
            and all(m.kind == "Genre" for m in mentions)
            and not (len(mentions) == 1 and (mentions[0].start, mentions[0].end) == (0, len(tag)))
        )

    def _known_word(self, word: str) -> bool:
        return is_known_word(word, self.nlp)

    def _coined_genre(self, word: str) -> bool:
        """A word English does not know that ends in a genre's name or in an ending genres
        share ("electrofunk", "futurepop", "mathcore", "hiphop" of "j-hiphop")."""
        if self._genre_endings is None:
            self._genre_endings = genre_endings(self.schema, self.nlp)
        return not self._known_word(word) and any(
            word.endswith(end) and len(word) > len(end) + 1 for end in self._genre_endings
        )

    def _vote_kinds(self, raw: list[list[Mention]]) -> list[list[Mention]]:
        """Give each NER-found name the kind NER gives it most often across the texts.

        The small English NER model calls an unfamiliar person a place now and then;
        across a catalogue the majority is right.
        """
        votes: dict[str, Counter[str]] = {}
        for mentions in raw:
            for m in mentions:
                if m.score == NER_SCORE:
                    votes.setdefault(normalise_key(m.canonical), Counter())[m.kind] += 1
        out = []
        for mentions in raw:
            fixed = []
            for m in mentions:
                key = normalise_key(m.canonical)
                kind = m.kind
                if m.score == NER_SCORE:
                    ranked = votes[key].most_common()
                    kind = ranked[0][0]
                    if len(ranked) > 1 and ranked[1][1] == ranked[0][1] and "Person" in votes[key]:
                        kind = "Person"
                # a role ("directed by X", "a Motown single") belongs to the kind it was read for
                fixed.append(replace(m, kind=kind, relation=None) if kind != m.kind else m)
            out.append(fixed)
        return out

    def canonicalize(self, names: Sequence[str], kind: str | None = None) -> list[str]:
        """Canonical forms of attribute names. Without ``kind``, each name's kind is the
        first whose vocabulary knows it, else Theme for lower-case names and Person otherwise."""
        kinds = [kind or self._guess_kind(n) for n in names]
        out: list[str] = []
        maps = {
            k: self.canonicalizer.canonical_map(
                k, [n for n, nk in zip(names, kinds, strict=True) if nk == k]
            )
            for k in set(kinds)
        }
        for name, k in zip(names, kinds, strict=True):
            out.append(maps[k][name])
        return out

    def _guess_kind(self, name: str) -> str:
        for kind, variants in self.canonicalizer.variants.items():
            if fold_key(name) in variants:
                return kind
        return "Theme" if name.islower() else "Person"

    def _mentions(self, doc: Doc) -> list[Mention]:
        kinds = set(self.schema.attribute_kinds)
        out: list[Mention] = []
        spans: list[Span] = []
        taken: set[int] = set()
        groups = (
            organization_phrases(doc) + acronym_organizations(doc, self._known_word)
            if "Organization" in kinds
            else []
        )
        cast = cast_in_parentheses(doc) if "Person" in kinds else []
        events = event_phrases(doc) if "Theme" in kinds else []
        called = (
            places_called(doc) + places_named(doc) + places_of_a_title(doc)
            if "Place" in kinds
            else []
        )
        grammar = [*groups, *cast, *events, *called]
        by_grammar = {i for span in grammar for i in range(span.start, span.end)}
        in_events = {i for span in events for i in range(span.start, span.end)}
        in_groups = {i for span in groups if len(span) > 1 for i in range(span.start, span.end)}
        for ent in extended_organizations(joined_names(doc.ents)):
            if ent.label_ == TITLE_LABEL:
                taken.update(range(ent.start, ent.end))
                continue
            from_ruler = ent.label_ in kinds
            if not from_ruler and by_grammar.intersection(range(ent.start, ent.end)):
                continue  # the grammar's reading of the name wins over NER's guess
            if from_ruler and in_groups.issuperset(range(ent.start, ent.end)):
                continue  # a vocabulary word inside an organisation's name: "crime family"
            if in_events.intersection(range(ent.start, ent.end)):
                continue  # "the Clone Wars" is an event, not the war genre
            kind = ent.label_ if from_ruler else self.schema.ner_labels.get(ent.label_)
            if not from_ruler:
                ent = trim_name(ent)
                if not len(ent):
                    continue
                kind = ner_kind(ent, kind, kinds)
                if kind == "Person":
                    ent = _untitled(ent)
            if kind is None:
                continue
            surface = ent.ent_id_ if from_ruler and ent.ent_id_ else ent.text
            out.append(self._mention(ent, kind, surface, RULER_SCORE if from_ruler else NER_SCORE))
            spans.append(ent)
            taken.update(range(ent.start, ent.end))
        for found, kind in (
            (groups, "Organization"),
            (cast, "Person"),
            (events, "Theme"),
            (called, "Place"),
        ):
            for span in found:
                if not taken.intersection(range(span.start, span.end)):
                    out.append(self._mention(span, kind, span.text, GRAMMAR_SCORE))
                    spans.append(span)
                    taken.update(range(span.start, span.end))
        order = sorted(range(len(out)), key=lambda k: out[k].start)
        out, spans = [out[k] for k in order], [spans[k] for k in order]
        out = _share_roles(out, spans)
        if "Theme" in kinds:
            for phrase in about_phrases(doc[:]):
                if not taken.intersection(range(phrase.start, phrase.end)):
                    out.append(self._mention(phrase, "Theme", phrase.text.lower(), PHRASE_SCORE))
        return sorted(out, key=lambda m: m.start)

    def _mention(self, span: Span, kind: str, surface: str, score: float) -> Mention:
        relation = None
        if kind == "Person":
            relation = person_role(span) or credit(span)
            if relation is None and (_someone_famous(span) or _in_a_true_story(span)):
                relation = "INVOLVES"  # a real person the plot names: "Elvis Presley"
        elif kind == "Organization" and made_by(span):
            relation = "MADE_BY"
        return Mention(
            span.text,
            kind,
            surface,
            span.start_char,
            span.end_char,
            score,
            relation,
            polarity(span),
        )


#: Words before a tag's attribute that leave it that attribute ("very funny", "so sad").
_INTENSIFIER = re.compile(rf"^(?:(?:{'|'.join(sorted(INTENSIFIERS))})\s+)+", re.IGNORECASE)
#: Words between a tag's attributes ("sad and slow", "rock & roll" aside).
_CONNECTOR = re.compile(
    "|".join(
        rf"(?<!\w){re.escape(w)}(?!\w)" if w.isalpha() else re.escape(w)
        for w in sorted(CONNECTORS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset(
    ["a", "an", "the", "in", "of", "on", "at", "to", "for", "from", "by", "with", "my", "your"]
)
#: Words that name the medium, never a genre's head ("headphone music", "cult film").
_MEDIUM = frozenset({"music", "film", "films", "movie", "movies", "songs", "song", "band", "story"})


def genre_heads(schema: GraphSchema, at_least: int = 2, with_names: bool = True) -> frozenset[str]:
    """Words a tag ending in is a style of that genre: last words of at least
    ``at_least`` of the Genre vocabulary's names ("rock", "metal", "pop", "punk", …) and
    the one-word names unless ``with_names`` is False ("indie", "mpb": "extraordinary
    indie", "new mpb"); not "up" of "stand-up" nor "sound" of "big beat sound"."""
    counts: Counter[str] = Counter()
    single: set[str] = set()
    for canonical, variants in schema.vocabularies.get("Genre", {}).items():
        names = [re.split(r"[\s\-/]+", s.casefold()) for s in (canonical, *variants)]
        counts.update({words[-1] for words in names})
        single.update(words[0] for words in names if len(words) == 1)
    heads = {w for w, n in counts.items() if n >= at_least} | (single if with_names else set())
    return frozenset(heads - _MEDIUM - STOP_WORDS)


def genre_endings(schema: GraphSchema, nlp: Language) -> frozenset[str]:
    """Endings that make a coined word a genre: words of three letters or more that end
    two or more of the Genre vocabulary's names ("pop", "rock", "hop"), and English words
    that end two or more one-word names ("core": hardcore, metalcore; "wave": darkwave)."""
    names = {
        s.casefold()
        for canonical, variants in schema.vocabularies.get("Genre", {}).items()
        for s in (canonical, *variants)
        if re.fullmatch(r"[a-z]+", s.casefold())
    }
    shared: Counter[str] = Counter(
        name[-k:] for name in names for k in range(4, len(name) - 1) if len(name) > 5
    )
    endings = {w for w in genre_heads(schema, at_least=2, with_names=False) if len(w) >= 3}
    endings |= {e for e, n in shared.items() if n >= 2 and e in lexicon(nlp)}
    return frozenset(endings - _MEDIUM - STOP_WORDS)


def _without_fiction(mentions: list[Mention]) -> list[Mention]:
    """The mentions less the people NER found that WordNet knows as fictional characters
    or mythical beings ("Dracula", "Count Dracula", "Sherlock Holmes"), whatever credits
    them. Dropped after the kinds are voted: the kind stays a person's."""
    return [
        m
        for m in mentions
        if not (m.kind == "Person" and m.score == NER_SCORE and _fictional(m.text))
    ]


def _act_key(name: str) -> str:
    """An act's name or a tag, for matching one to the other ("Pearl Jam" / "pearl jam ")."""
    return name.casefold().strip()


def _fictional(name: str) -> bool:
    words = [w.casefold().rstrip(".") for w in name.split()]
    if len(words) > 1 and words[0] in TITLES:  # "Count Dracula", "Captain Nemo"
        words = words[1:]
    return " ".join(words) in fictional_names()


def _share_roles(mentions: list[Mention], spans: list[Span]) -> list[Mention]:
    """Names joined by "and" / "," share a role: "starring Tom Hanks and Meg Ryan"."""
    owner = {
        tok: m
        for m, span in zip(mentions, spans, strict=True)
        for tok in range(span.start, span.end)
    }
    out = []
    for m, span in zip(mentions, spans, strict=True):
        tok = span.root
        while m.relation is None and tok.dep_ == "conj" and tok.head.i != tok.i:
            tok = tok.head
            other = owner.get(tok.i)
            if other is not None and other.kind == m.kind and other.relation is not None:
                m = replace(m, relation=other.relation)
        out.append(m)
    return out


def _credited(mentions: Iterable[Mention]) -> set[str]:
    """Names of people the wording or a vocabulary vouches for: a role, or not from NER."""
    return {
        m.canonical
        for m in mentions
        if m.kind == "Person" and (m.relation is not None or m.score != NER_SCORE)
    }


def _untitled(span: Span) -> Span:
    """A real person's name without the title or rank before it ("Marshal Erwin Rommel" is
    Erwin Rommel); a name WordNet writes with its title keeps it ("Queen Victoria")."""
    people = famous_people()
    while (
        len(span) > 1
        and span[0].lower_.rstrip(".") in TITLES
        and not people.lists(span.text)
        and people.full_name(span[1:].text, lone="none")
    ):
        span = span[1:]
    return span


def _in_a_true_story(span: Span) -> bool:
    """A name in a text that says its story is real, made like a person's: a given name
    first ("Veronica Guerin", "Pauline"), or one surname ("Lumumba"); not a title or a
    band NER called someone ("Quiz Show", "Soul Surfer", "The New Yorker")."""
    if not about_real_people(span.doc):
        return False
    words = span.text.casefold().split()
    if len(words) == 1:
        return words[0] in surnames() or words[0] in given_names()
    return words[0] in given_names()


def _someone_famous(span: Span) -> bool:
    """A real person WordNet knows: by full name ("Elvis Presley"), or by a surname no one
    has as a given name ("Shakespeare's story", not "Tracy"), unless NER took it for an
    organisation ("Harvard", "Disney"). Where the text gives a longer name that ends in
    it, the surname is that name's ("Ben Gates … Gates" is a character, not Bill Gates)."""
    if " " in span.text.strip() or span.label_ == "ORG":
        return famous_people().full_name(span.text, lone="none") is not None
    word = span.text.casefold()
    for ent in span.doc.ents:
        if len(ent) > 1 and ent[-1].lower_ == word and ent[0].pos_ == "PROPN":
            return famous_people().full_name(ent.text, lone="none") is not None
    return famous_people().full_name(span.text, lone="surname") is not None


def _without_characters(mentions: list[Mention], real: set[str]) -> list[Mention]:
    """An item description's mentions less the names NER found that nothing credits (no
    role, no credited mention of the same person in the text, not among the ``real``
    people credited elsewhere): characters."""
    credited = _credited(mentions) | real
    return [
        m
        for m in mentions
        if not (m.kind == "Person" and m.score == NER_SCORE and m.canonical not in credited)
    ]


def _link_surnames_in_text(mentions: list[Mention]) -> list[Mention]:
    """A lone surname refers to the full name given in the same text ("Nolan's camera" after
    "directed by Christopher Nolan"), whatever kind NER guessed for it. Across texts no such
    guess is made: "London" in one overview is not "Jack London" of another."""
    full = {
        normalise_key(m.canonical.split()[-1]): m.canonical
        for m in mentions
        if m.kind == "Person" and " " in m.canonical
    }
    return [
        replace(m, kind="Person", canonical=full[normalise_key(m.canonical)])
        if " " not in m.canonical
        and normalise_key(m.canonical) in full
        and (m.kind == "Person" or m.score == NER_SCORE)
        else m
        for m in mentions
    ]
