import numpy as np

from kgrec.extract import Extractor, TextEncoder


def _found(extractor: Extractor, text: str) -> dict[str, tuple[str, str | None, int]]:
    [mentions] = extractor.extract([text])
    for m in mentions:
        assert text[m.start : m.end] == m.text  # offsets point into the text
        assert 0.0 < m.score <= 1.0
    return {m.canonical: (m.kind, m.relation, m.polarity) for m in mentions}


def test_item_description(extractor: Extractor) -> None:
    got = _found(
        extractor,
        "A dark sci-fi thriller directed by Mara Lindqvist, set in Tokyo. "
        "Starring Tom Okafor, it explores memory and grief.",
    )
    assert got["science fiction"][0] == "Genre"
    assert got["thriller"][0] == "Genre"
    assert got["Mara Lindqvist"] == ("Person", "DIRECTED_BY", 1)
    assert got["Tom Okafor"][:2] == ("Person", "STARRING")
    assert got["Tokyo"][0] == "Place"
    assert got["memory"][0] == got["grief"][0] == "Theme"
    assert got["dark"][0] == "Mood"


def test_users_own_words_carry_polarity(extractor: Extractor) -> None:
    got = _found(
        extractor, "I love films set in Paris about friendship, but I can't stand westerns."
    )
    assert got["Paris"] == ("Place", None, 1)
    assert got["friendship"][2] == 1
    assert got["western"] == ("Genre", None, -1)
    assert _found(extractor, "I hate horror.")["horror"][2] == -1


def test_canonicalisation_merges_variants(extractor: Extractor) -> None:
    assert (
        extractor.canonicalize(["sci-fi", "Sci-Fi", "science fiction", "scifi"], kind="Genre")
        == ["science fiction"] * 4
    )
    [mentions] = extractor.extract(["Directed by Christopher Nolan. Nolan's camera never rests."])
    assert {m.canonical for m in mentions if m.kind == "Person"} == {"Christopher Nolan"}
    # different people never merge, however alike their names embed
    names = extractor.canonicalize(["Mara Lindqvist", "Mara Lindgren"], kind="Person")
    assert names == ["Mara Lindqvist", "Mara Lindgren"]


def test_titles_are_not_taken_for_attributes() -> None:
    ex = Extractor.from_config(known_names={"TITLE": ["Paris Texas Nights"]})
    [mentions] = ex.extract(["Fans of Paris Texas Nights will love it."])
    assert all(m.text != "Paris" for m in mentions)


def test_encoder_embeds_and_caches(tmp_path) -> None:  # type: ignore[no-untyped-def]
    enc = TextEncoder.from_pretrained()
    vecs = enc.encode(["science fiction", "sci-fi", "romance"])
    assert vecs.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    enc.save_cache(tmp_path / "c.parquet")
    fresh = TextEncoder.from_pretrained()
    fresh.load_cache(tmp_path / "c.parquet")
    again = fresh.encode(["sci-fi", "romance"])
    assert fresh.encoded_count == 0  # all from the cache
    np.testing.assert_allclose(again, vecs[1:], atol=1e-6)


def test_a_role_never_outlives_a_change_of_kind(extractor: Extractor) -> None:
    # "Lisbon" is a place in most texts; "starring Lisbon" gives it a role but not personhood
    texts = ["A film set in Lisbon.", "A story set in Lisbon.", "A drama starring Lisbon."]
    for mentions in extractor.extract(texts):
        for m in mentions:
            assert m.relation is None or m.kind == "Person", m


def test_everyday_words_are_genres_only_with_a_cue(extractor: Extractor) -> None:
    kinds = {k: v[0] for k, v in _found(extractor, "They live in a house in the country.").items()}
    assert "house" not in kinds and "country" not in kinds
    got = _found(extractor, "A soul singer who loves house music, disco and electronic.")
    assert {"soul", "house", "disco", "electronic"} <= {
        k for k, v in got.items() if v[0] == "Genre"
    }
    # the word left to NER: "the Cold War" is an event (a theme), not the war genre
    got = _found(extractor, "A spy thriller set in Berlin during the Cold War.")
    assert got.get("Cold War", ("",))[0] == "Theme" and "war" not in got


def test_genres_with_everyday_senses_count_where_the_phrase_says_what_a_work_is(
    extractor: Extractor,
) -> None:
    def genres(text: str) -> set[str]:
        [found] = extractor.extract([text], descriptions=[True])
        return {m.canonical for m in found if m.kind == "Genre"}

    assert genres("She starts a brief romance with the gardener.") == set()
    assert genres("The mystery of the lost key deepens.") == set()
    assert genres("A romance set in Venice.") == {"romance"}
    assert genres("A tense mystery set in Oslo.") == {"mystery"}
    assert genres("Mysteries are my favourite.") == {"mystery"}  # someone's own words


def test_a_place_name_the_sentence_treats_as_someone_is_not_a_place(
    extractor: Extractor,
) -> None:
    for text in (
        "The heist is planned by his partner, Dallas, who hates guns.",
        "He asks Lisbon to marry him.",
    ):
        [found] = extractor.extract([text], descriptions=[True])
        assert not [m for m in found if m.kind == "Place"], text


def test_well_known_places_ner_mislabels_are_places(extractor: Extractor) -> None:
    # en_core_web_sm: Copenhagen ORG, Manchester PERSON, Lyon PERSON, Marseille ORG
    texts = [
        "The band recorded the album in Copenhagen and Oslo.",
        "Marta flees Manchester for a quiet life by the sea.",
        "A young chef leaves Lyon for Marseille.",
        "Jackson flees the police.",  # a city's name, but someone here
    ]
    found = extractor.extract(texts, descriptions=[False] * len(texts))
    places = [{m.canonical for m in ms if m.kind == "Place"} for ms in found]
    assert places[:3] == [{"Copenhagen", "Oslo"}, {"Manchester"}, {"Lyon", "Marseille"}]
    assert places[3] == set()
    [called] = extractor.extract(["They settle in a mining town called Redrock."])
    assert [(m.kind, m.canonical) for m in called] == [("Place", "Redrock")]  # NER: PERSON


def test_named_events_are_themes_whatever_ner_made_of_their_words(
    extractor: Extractor,
) -> None:
    texts = [
        "A Gulf War veteran returns to Ohio.",  # NER: "Gulf War" ORG
        "Set during the Watts riots, a family tries to hold on.",  # NER: "Watts" LOC
        "Their war ends badly.",  # no name before it
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    got = [{(m.kind, m.canonical) for m in ms} for ms in found]
    assert ("Theme", "Gulf War") in got[0]
    assert ("Theme", "Watts riots") in got[1] and ("Place", "Watts") not in got[1]
    assert not [m for m in found[2] if m.canonical.lower() == "war"]


def test_the_grammar_of_credits_names_real_people(extractor: Extractor) -> None:
    texts = [
        "A comedy about a chef (Dunst) and his rivals (Farrow, Kessler).",
        "A faithful adaptation of Chekhov's 'The Seagull' set in Maine.",
        "The life of Mary Shelley, the author of the most famous horror novel.",
        "The story follows Tom, a struggling writer in Paris.",  # a character
        "They sail to the island of Crete (Kriti) in spring.",  # another name of a place
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    people = [{(m.canonical, m.relation) for m in ms if m.kind == "Person"} for ms in found]
    assert people[0] == {("Dunst", "STARRING"), ("Farrow", "STARRING"), ("Kessler", "STARRING")}
    assert people[1] == {("Chekhov", "INVOLVES")}
    assert people[2] == {("Mary Shelley", "INVOLVES")}
    assert people[3] == set() and people[4] == set()


def test_a_lower_case_tag_the_encoder_knows_as_a_person_is_a_person(
    extractor: Extractor,
) -> None:
    found = extractor.extract_tags(["cyndi lauper", "serial killer", "singers"])
    assert [[(m.kind, m.canonical) for m in ms] for ms in found] == [
        [("Person", "Cyndi Lauper")],
        [("Theme", "serial killer")],  # every word known to the lexicon
        [("Theme", "singers")],
    ]


def test_slips_of_spelling_and_emphasis_merge_but_english_words_do_not(
    extractor: Extractor,
) -> None:
    def merged(a: str, b: str, kind: str) -> bool:
        x, y = extractor.canonicalize([a, b], kind=kind)
        return x == y

    assert merged("lounge", "launge", "Genre")  # a typing slip of a known name
    assert merged("chilling", "chillinggg", "Theme")  # letters typed again
    assert merged("witches", "witch", "Theme")  # plural "es"
    assert merged("i really love this song", "i love this song", "Theme")  # emphasis
    assert not merged("country", "county", "Theme")  # both English words
    assert not merged("electro hop", "electropop", "Genre")  # a slip is within one word
    assert not merged("american music", "americans", "Theme")


def test_spellings_merge_but_different_people_and_places_do_not(extractor: Extractor) -> None:
    assert extractor.canonicalize(["Björk", "Bjork", "BJORK"], kind="Person") == ["Björk"] * 3
    assert len(set(extractor.canonicalize(["Hip-Hop", "hiphop", "hip hop"], kind="Genre"))) == 1
    assert len(set(extractor.canonicalize(["North Korea", "South Korea"], kind="Place"))) == 2
    assert len(set(extractor.canonicalize(["60s", "80s"], kind="Theme"))) == 2
    assert len(set(extractor.canonicalize(["prison", "prison escape"], kind="Theme"))) == 2


def test_tags_keep_their_kind_or_become_one_theme(extractor: Extractor) -> None:
    found = extractor.extract_tags(["Tom Hanks", "dark comedy", "twist ending", "sci-fi"])
    assert [(m.kind, m.canonical) for m in found[0]] == [("Person", "Tom Hanks")]
    assert [(m.kind, m.canonical) for m in found[1]] == [("Mood", "dark"), ("Genre", "comedy")]
    assert [(m.kind, m.canonical) for m in found[2]] == [("Theme", "twist ending")]
    assert [(m.kind, m.canonical) for m in found[3]] == [("Genre", "science fiction")]


def test_known_names_are_labelled_and_anchor_surnames() -> None:
    ex = Extractor.from_config()
    ex.know({"Person": ["Ingrid Okonkwo-Larsen"]})
    [mentions] = ex.extract(["A drama starring Ingrid Okonkwo-Larsen as a pianist."])
    people = [m for m in mentions if m.kind == "Person"]
    assert [(m.canonical, m.score) for m in people] == [("Ingrid Okonkwo-Larsen", 1.0)]
    assert ex.canonicalize(["Okonkwo-Larsen"], kind="Person") == ["Ingrid Okonkwo-Larsen"]


def test_characters_in_descriptions_are_not_people(extractor: Extractor) -> None:
    text = "Directed by Christopher Nolan, the film follows Jack, a thief in London."
    [desc] = extractor.extract([text], descriptions=[True])
    assert {m.canonical for m in desc if m.kind == "Person"} == {"Christopher Nolan"}
    [plain] = extractor.extract([text])  # not marked a description: the name stays
    assert "Jack" in {m.canonical for m in plain if m.kind == "Person"}


def test_organisations_by_grammar_vocabulary_and_ner(extractor: Extractor) -> None:
    texts = [
        "The Beatles' last album was recorded in London.",
        "A Netflix series about chefs.",
        "Released on Blue Note in 1964, the record made her name.",
        "Radiohead are an English rock band.",
        "Veteran spy Nathan Muir is retiring from the CIA.",
        "He knows his father will always be The Champ.",
        "A look back at the early days of the Ramones in New York.",
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    orgs = [{(m.canonical, m.relation) for m in ms if m.kind == "Organization"} for ms in found]
    assert orgs[0] == {("Beatles", "MADE_BY")}
    assert orgs[1] == {("Netflix", "MADE_BY")}
    assert orgs[2] == {("Blue Note", "MADE_BY")}
    assert orgs[3] == {("Radiohead", None)}
    assert orgs[4] == {("CIA", None)}
    assert orgs[5] == set()  # a nickname NER calls ORG, with nothing to back it
    assert {name for name, _ in orgs[6]} == {"Ramones"}  # "of the …s": a band


def test_names_the_grammar_credits_stay_and_characters_go(extractor: Extractor) -> None:
    texts = [
        "A cop (Matthew McConaughey) hunts a killer.",
        "Spike Lee's take on the summer of 1977.",
        "Theresa Randle played the title character.",
        "Guy Trilby discovers that winning is not everything.",
        "Tita is passionately in love with Pedro.",
        "A comedy starring Tom Hanks and Meg Ryan.",
        "Billy Hoyle (Woody Harrelson) and Sidney Deane (Wesley Snipes) hustle.",
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    people = [{(m.canonical, m.relation) for m in ms if m.kind == "Person"} for ms in found]
    assert people[0] == {("Matthew McConaughey", "STARRING")}
    assert people[1] == {("Spike Lee", "INVOLVES")}
    assert people[2] == {("Theresa Randle", "STARRING")}
    assert people[3] == set() and people[4] == set()
    assert people[5] == {("Tom Hanks", "STARRING"), ("Meg Ryan", "STARRING")}
    # the cast in parentheses, even where NER finds no name at all
    assert people[6] == {("Woody Harrelson", "STARRING"), ("Wesley Snipes", "STARRING")}


def test_canonical_forms_know_order_medium_abbreviations_and_containment(
    extractor: Extractor,
) -> None:
    same = [
        ("Genre", "synth-pop", "synth pop music"),
        ("Genre", "whodunit", "murder mystery"),
        ("Genre", "heist movie", "movie heist"),
        ("Place", "Vegas", "Las Vegas"),
        ("Place", "St. Louis", "Saint Louis"),
        ("Organization", "Warner Bros.", "Warner Brothers"),
    ]
    apart = [
        ("Place", "Orleans", "New Orleans"),
        ("Place", "Jersey", "New Jersey"),
        ("Genre", "horror", "horror comedy"),
        ("Organization", "Columbia Pictures", "Columbia Records"),
    ]
    for kind, a, b in same:
        assert len(set(extractor.canonicalize([a, b], kind=kind))) == 1, (a, b)
    for kind, a, b in apart:
        assert len(set(extractor.canonicalize([a, b], kind=kind))) == 2, (a, b)


def test_concepts_merge_by_first_meaning_but_not_by_a_later_one_or_a_sibling(
    extractor: Extractor,
) -> None:
    def merged(a: str, b: str, kind: str = "Theme") -> bool:
        x, y = extractor.canonicalize([a, b], kind=kind)
        return x == y

    assert merged("crazy", "insane")  # an adjective and the head of its cluster
    assert merged("gorgeous", "beautiful")
    assert merged("favourite sad songs", "favorite sad songs")  # synonyms word by word
    assert merged("murder", "slaying")  # one synset
    assert merged("nostalgia", "nostalgic")  # a noun and its adjective, both first senses
    assert merged("polish", "polish music")  # the medium among names, not only vocabularies
    assert merged("genious", "genius")  # the slip follows the English word, in either order
    assert merged("fav male singers", "favorite male vocalist")  # "fav", singer = vocalist
    assert not merged("red", "blue")  # two adjectives of one cluster ("chromatic")
    assert not merged("sad", "blue")  # "blue" is a colour first
    assert not merged("gorgeous", "lovely")  # siblings too
    assert not merged("dark", "black")  # first senses of their own
    assert not merged("american music", "americans")


def test_vocabulary_suggestions_are_typed_by_their_neighbours(extractor: Extractor) -> None:
    from kgrec.extract.vocabulary import suggest_vocabulary

    got = suggest_vocabulary(
        {"technical death metal": 40, "sci-fi": 90, "rare tag": 1},
        extractor.schema,
        extractor.encoder.encode,
        min_count=5,
    )
    assert [s.phrase for s in got] == ["technical death metal"]  # sci-fi is known, rare is rare
    assert got[0].kind == "Genre" and got[0].count == 40


def test_a_name_ner_splits_into_a_place_and_a_person_is_one_person(
    extractor: Extractor,
) -> None:
    text = "Amara Abara directs Kenji Haddad and Arjun Kaminski in a comedy."
    got = _found(extractor, text)
    assert got["Kenji Haddad"][:2] == ("Person", "STARRING")
    assert "Kenji" not in got


def test_a_person_credited_in_one_description_is_real_in_another(extractor: Extractor) -> None:
    texts = ["A drama directed by Mara Lindqvist.", "Mara Lindqvist returns to her hometown."]
    _, second = extractor.extract(texts, descriptions=[True, True])
    assert [m.canonical for m in second if m.kind == "Person"] == ["Mara Lindqvist"]
    [alone] = extractor.extract(texts[1:], descriptions=[True])  # no credit anywhere
    assert [m for m in alone if m.kind == "Person"] == []


def test_real_people_wordnet_knows_are_people_where_characters_are_not(
    extractor: Extractor,
) -> None:
    texts = [
        "Two schoolgirls on a trip to Washington end up walking Richard Nixon's dog.",
        "The tale of Charles Dickens and the winter he wrote a ghost story.",
        "Years later, Emerson and Tracy meet again at the old harbour.",  # characters
        "Agent Lucas Marsh hunts a gang of smugglers across Nevada.",  # nobody known
        "A young detective idolises Sherlock Holmes and James Bond.",  # fiction
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    people = [{(m.canonical, m.relation) for m in ms if m.kind == "Person"} for ms in found]
    assert people[0] == {("Richard Nixon", "INVOLVES")}
    assert people[1] == {("Charles Dickens", "INVOLVES")}  # NER's ORG reading loses
    assert people[2] == people[3] == people[4] == set()


def test_a_tag_naming_someone_real_gets_their_full_name(extractor: Extractor) -> None:
    found = extractor.extract_tags(["queen victoria", "kubrick", "marley", "usher"])
    assert [[(m.kind, m.canonical) for m in ms] for ms in found] == [
        [("Person", "Queen Victoria")],
        [("Person", "Stanley Kubrick")],
        [("Person", "Bob Marley")],
        [("Theme", "usher")],  # an English word first
    ]


def test_wordnet_people_leave_out_common_surnames_given_names_and_fiction() -> None:
    from kgrec.extract.wordnet import famous_people

    people = famous_people()
    assert people.full_name("Hitler") == "Adolf Hitler"
    assert people.full_name("henry viii") == "Henry VIII"
    assert people.full_name("Hitler", lone="none") is None  # lone names only where asked
    assert people.full_name("Hemingway", lone="surname") == "Ernest Hemingway"
    assert people.full_name("Tracy", lone="surname") is None  # anyone's given name
    for name in ("Taylor", "Kelly", "Victoria", "Anne", "Bishop", "Fagin", "Zeus", "Moses"):
        assert people.full_name(name) is None, name


def test_wording_that_credits_or_uncredits_a_name(extractor: Extractor) -> None:
    texts = [
        "Kate Morrow plays a bounty hunter who tracks a thief across Utah.",
        "Jack plays poker every night at the harbour bar.",  # a character's game
        "Based on the novel of the same name by Hal Brenner.",
        "A lonely robot (voiced by Mira Santos) searches for its maker.",
        "The true story of a real union organiser, Ada Kowalski, and her strike.",
        "Soon NASA director Tom Reyes recruits a young analyst.",  # a plot's director
        "Dan and his producer Nina Vale run a late-night radio show.",  # a plot's producer
        "Ike writes an angry column about his neighbours.",  # a plot's writing
        "The legend begins with this 1931 Dracula film from Bela Lugosi.",  # fiction
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    people = [{(m.canonical, m.relation) for m in ms if m.kind == "Person"} for ms in found]
    assert people[0] == {("Kate Morrow", "STARRING")}
    assert people[2] == {("Hal Brenner", "WRITTEN_BY")}
    assert people[3] == {("Mira Santos", "STARRING")}
    assert people[4] == {("Ada Kowalski", "INVOLVES")}
    assert people[1] == people[5] == people[6] == people[7] == set()
    assert people[8] == {("Bela Lugosi", "INVOLVES")}


def test_opinions_are_no_themes_and_a_bride_is_no_place(extractor: Extractor) -> None:
    [opinion, bride] = extractor.extract(
        [
            "Ike, who has a low opinion about lawyers, takes the case anyway.",
            "His real bride Victoria waits for him at the altar.",
        ]
    )
    assert "lawyers" not in {m.canonical for m in opinion}
    assert not [m for m in bride if m.kind == "Place"]


def test_places_ner_passes_over_and_tones_of_a_genre_pair(extractor: Extractor) -> None:
    texts = [
        "The climbers crash land in the Himalayas and walk for days.",
        "In Lisbon, Portugal in 1974, a young sailor meets his father.",
        "A fast-paced action/adventure starring Nadia Ferro.",
        "Simon Birch tells the story of a heart-warming journey.",
    ]
    found = [{(m.canonical, m.kind) for m in ms} for ms in extractor.extract(texts)]
    assert ("Himalayas", "Place") in found[0]
    assert {("Lisbon", "Place"), ("Portugal", "Place")} <= found[1]
    assert {("action", "Genre"), ("adventure", "Genre"), ("fast-paced", "Mood")} <= found[2]
    assert ("uplifting", "Mood") in found[3]
    [[tag]] = extractor.extract_tags(["british rock"])
    assert (tag.kind, tag.canonical) == ("Genre", "british rock")  # no place with capitals


def test_film_forms_and_names_that_only_look_like_them(extractor: Extractor) -> None:
    texts = [
        "An off-beat dramatic comedy and a buddy picture in one.",
        "Mecha and Gregorio drink wine by the pool all summer.",  # a name, not the genre
    ]
    found = [{(m.canonical, m.kind) for m in ms} for ms in extractor.extract(texts)]
    assert {("comedy-drama", "Genre"), ("buddy film", "Genre")} <= found[0]
    assert not [c for c, kind in found[1] if kind == "Genre"]


def test_a_story_by_someone_and_no_nationality_for_a_person(extractor: Extractor) -> None:
    texts = [
        "Based on a story by Swiss writer Anna Keller.",
        "A novel by American author Jack Harlan.",
    ]
    found = extractor.extract(texts, descriptions=[True, True])
    people = [{(m.canonical, m.kind) for m in ms if m.kind == "Person"} for ms in found]
    assert people == [{("Anna Keller", "Person")}, {("Jack Harlan", "Person")}]


def test_census_names_and_famous_surnames(extractor: Extractor) -> None:
    from kgrec.extract.census import given_names, surnames

    assert {"tracy", "tom", "will"} <= given_names() and "hemingway" not in given_names()
    assert {"hardy", "ferrell"} <= surnames()
    texts = [
        "Their affair blossoms, until Hemingway asks Agnes to be his wife.",
        "Archaeologist Ben Gates searches for a chest. Gates finds a map.",  # a character
        "A Harvard professor is sent to Haiti.",  # NER's organisation
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    people = [{(m.canonical, m.relation) for m in ms if m.kind == "Person"} for ms in found]
    assert people[0] == {("Hemingway", "INVOLVES")}
    assert people[1] == people[2] == set()
    tags = extractor.extract_tags(["tom hardy", "irish singer", "james bond"])
    assert [[(m.kind, m.canonical) for m in ms] for ms in tags] == [
        [("Person", "Tom Hardy")],  # a given name and a surname, both English words
        [("Theme", "irish singer")],  # a noun for someone, not a surname
        [("Theme", "james bond")],  # fiction
    ]


def test_a_given_name_is_no_place_unless_the_wording_or_a_list_says_so(
    extractor: Extractor,
) -> None:
    texts = [
        "Sara makes friends on campus, and Rebecca becomes resentful.",
        "He drives from Laurens, Iowa, to Wisconsin on a lawn mower.",
        "Elliot sails to the island of Eden with his camera.",
        "Paris convinces Helen to leave Sparta for Troy.",
    ]
    found = [{m.canonical for m in ms if m.kind == "Place"} for ms in extractor.extract(texts)]
    assert "Rebecca" not in found[0]
    assert "Laurens" in found[1]
    assert "Eden" in found[2]
    assert "Troy" in found[3]
    [[paris]] = extractor.extract_tags(["paris"])  # a given name too, and a listed place
    assert (paris.kind, paris.canonical) == ("Place", "paris")


def test_organisations_wordnet_lists_and_group_nouns_in_a_name(extractor: Extractor) -> None:
    from kgrec.extract.wordnet import organization_names

    listed = organization_names()
    assert {"Scotland Yard", "Gestapo", "IRA", "Interpol", "Beatles"} <= listed
    # a lower-case English word, a religion, a building, a generic concept, a place
    assert not {"Labour", "Zen", "White House", "ICU", "U.S."} & listed
    texts = [
        "A Scotland Yard detective is on the trail of a saboteur.",  # NER's two words
        "A singer infiltrates the regional Gestapo headquarters.",  # NER's PERSON
        "When Jack Ryan interferes with an IRA assassination, a faction targets him.",
        "With the aid of the Deep Eyes Squadron, Aki must save the Earth.",
        "Ira Levin wrote the novel.",  # a given name, not the acronym
    ]
    found = [
        {m.canonical for m in ms if m.kind == "Organization"}
        for ms in extractor.extract(texts, descriptions=[True] * len(texts))
    ]
    assert found[:4] == [{"Scotland Yard"}, {"Gestapo"}, {"IRA"}, {"Deep Eyes Squadron"}]
    assert found[4] == set()


def test_cast_cues_and_new_tone_words(extractor: Extractor) -> None:
    texts = [
        "The princess, portrayed by supermodel Vanessa Hessler, is kidnapped.",
        "Nathan (Kevin Kline in his feature film debut) is a charming madman.",
        "An uproarious version of history that proves nothing is sacred.",
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    people = [{(m.canonical, m.relation) for m in ms if m.kind == "Person"} for ms in found]
    assert people[0] == {("Vanessa Hessler", "STARRING")}
    assert people[1] == {("Kevin Kline", "STARRING")}
    assert {(m.kind, m.canonical) for m in found[2]} == {("Mood", "funny")}
    tags = extractor.extract_tags(["irreverent", "madcap"])
    assert [[(m.kind, m.canonical) for m in ms] for ms in tags] == [
        [("Mood", "irreverent")],
        [("Mood", "absurd")],
    ]


def test_a_title_before_a_famous_name_is_not_part_of_it(extractor: Extractor) -> None:
    from kgrec.extract.wordnet import famous_people

    people = famous_people()
    assert people.full_name("Marshal Erwin Rommel", lone="none") == "Erwin Rommel"
    assert people.full_name("Captain Nemo") is None  # fiction stays out
    texts = [
        "Marshall Erwin Rommel, touring the defenses, notes that the invasion will come.",
        "The film follows Queen Victoria in her later years.",  # WordNet's own name
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    assert [[m.text for m in ms if m.kind == "Person"] for ms in found] == [
        ["Erwin Rommel"],
        ["Queen Victoria"],
    ]


def test_names_ner_cuts_short_or_mislabels_and_places_a_noun_of_introduces(
    extractor: Extractor,
) -> None:
    texts = [
        "Rogers must stop the Red Skull – Adolf Hitler's ruthless head of weaponry.",
        "A poor man is introduced to Victor Hugo's classic novel.",  # NER's EVENT
        "C.S. Lewis, a world-renowned writer and professor, leads a passionless life.",
        "In Search of the Castaways is a 1962 Walt Disney Productions feature film.",
        "The human city of Zion defends itself against the machines.",
        "With little help from the LAPD, McClane sets out to rescue the hostages.",
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    got = [{(m.kind, m.text) for m in ms if m.kind != "Genre"} for ms in found]
    assert got[0] == {("Person", "Adolf Hitler")}
    assert got[1] == {("Person", "Victor Hugo")}
    assert got[2] == {("Person", "C.S. Lewis")}  # WordNet writes "C. S. Lewis"
    assert got[3] == {("Organization", "Walt Disney Productions")}
    assert got[4] == {("Place", "Zion")}
    assert got[5] == {("Organization", "LAPD")}


def test_people_a_true_story_names_are_real(extractor: Extractor) -> None:
    texts = [
        "Based on a true story, in which basketball coach Ken Carter benches his team.",
        'Bubba Ho-tep tells the "true" story of an old man named Sebastian Haff.',  # quoted
        "Quiz Show tells the true story of a scandal.",  # a title NER may call someone
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    people = [{m.text for m in ms if m.kind == "Person"} for ms in found]
    assert people[0] == {"Ken Carter"}
    assert people[1] == people[2] == set()


def test_a_play_by_someone_is_no_part_they_played(extractor: Extractor) -> None:
    texts = ['It is based on the play "The Crucible" by Arthur Miller.']
    [found] = extractor.extract(texts, descriptions=[True])
    assert [(m.text, m.relation) for m in found if m.kind == "Person"] == [
        ("Arthur Miller", "INVOLVES")
    ]


def test_a_period_is_no_part_of_a_place_and_a_countrys_government_is_a_body(
    extractor: Extractor,
) -> None:
    texts = [
        "In Victorian England, a master criminal plans to steal gold.",
        "A UFO is stranded on earth and impounded by the US government.",
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    assert [[(m.kind, m.text) for m in ms] for ms in found] == [
        [("Place", "England")],
        [("Organization", "US government")],
    ]


def test_a_year_beside_a_place_is_no_age(extractor: Extractor) -> None:
    texts = ["Havana, Cuba, 1979. A gay artist attempts to seduce the straight David."]
    [found] = extractor.extract(texts, descriptions=[True])
    assert ("Place", "Havana") in [(m.kind, m.text) for m in found]


def test_a_tag_naming_an_act_of_a_music_catalogue_is_that_act() -> None:
    import pandas as pd

    from kgrec.data.dataset import Dataset
    from kgrec.extract.corpus import extract_dataset

    acts = ["Pearl Jam", "The Smiths", "Britney Spears", "Love", "2002", "Kamelot", "Usher"]
    items = pd.DataFrame(
        {
            "item_id": [str(k) for k in range(len(acts))],
            "title": acts,
            "kind": "artist",
            "tags": ["grunge|the smiths", "pearl jam|love", "kamelot|2002", "", "", "", ""],
        }
    )
    inter = pd.DataFrame({"user_id": ["u"] * 3, "item_id": ["0", "1", "2"]})
    users = pd.DataFrame({"user_id": ["u"], "text": [""]})
    ex = Extractor.from_config()
    found = extract_dataset(Dataset(inter, items, users), ex)
    tags = found[found["source"] == "tag"].set_index("text")
    assert tags.loc["pearl jam", ["kind", "canonical"]].tolist() == ["Organization", "Pearl Jam"]
    assert tags.loc["the smiths", "kind"] == "Organization"  # "the", a plural
    assert tags.loc["kamelot", "kind"] == "Organization"  # most acts are groups
    # one English word, or digits, read as what they say: no act
    assert tags.loc["love", "kind"] == "Theme" and tags.loc["2002", "kind"] == "Theme"
    # a given name and a surname, or a name the encoder puts among singers, is a person
    [[britney], [bow_wow]] = ex.extract_tags(["britney spears", "bow wow"])
    assert (britney.kind, britney.canonical) == ("Person", "Britney Spears")
    assert bow_wow.kind == "Theme"  # no act of this catalogue
    ex.know({"ARTIST": ["Bow Wow"]})
    [[bow_wow]] = ex.extract_tags(["bow wow"])
    assert (bow_wow.kind, bow_wow.canonical) == ("Person", "Bow Wow")


def test_schools_teams_crime_families_and_a_places_bodies_are_organisations(
    extractor: Extractor,
) -> None:
    texts = [
        "The students of Ridgemont High spend the year chasing girls.",
        "He is named coach of Team USA Hockey for the Junior Goodwill Games.",
        "A chronicle of the fictional Italian-American Corleone crime family.",
        "He resigns from the San Francisco Police Department after his partner dies.",
        "Gary Cooper stars in High Noon as a marshal.",
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    orgs = [[m.text for m in ms if m.kind == "Organization"] for ms in found]
    assert orgs == [
        ["Ridgemont High"],
        ["Team USA Hockey"],
        ["Corleone crime family"],  # the vocabulary's "family" is part of the name
        ["San Francisco Police Department"],
        [],  # no name before "High"
    ]


def test_a_documentarys_people_are_real_and_places_a_parse_or_ner_misses(
    extractor: Extractor,
) -> None:
    texts = [
        "This documentary follows Bob Smith as he climbs Everest.",
        "While shooting a documentary, Ann and Bill get lost in the woods.",
        "Hamlet, Prince of Denmark, returns home to find his father murdered.",
        "In Australia, a gang murders a cop.",
    ]
    found = extractor.extract(texts, descriptions=[True] * len(texts))
    names = [[(m.kind, m.text) for m in ms if m.kind in ("Person", "Place")] for ms in found]
    assert names == [
        [("Person", "Bob Smith"), ("Place", "Everest")],
        [],  # a documentary the characters make: they stay characters
        [("Place", "Denmark")],
        [("Place", "Australia")],  # a setting, though the parse hangs "a cop" on it
    ]


def test_powers_are_abilities_not_the_theme_power(extractor: Extractor) -> None:
    texts = ["He must harness his new powers to find a way home.", "A story of power and greed."]
    found = extractor.extract(texts, descriptions=[True, True])
    assert [[m.canonical for m in ms if m.kind == "Theme"] for ms in found] == [[], ["power"]]
