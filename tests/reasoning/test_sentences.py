from kgrec.reasoning import Path, PathNode, explanation_sentence
from kgrec.reasoning.text import likeness_sentence

YOU = PathNode("User", "7", "User:7")


def _item(title: str) -> PathNode:
    return PathNode("Item", title, f"Item:{title.lower()}")


TARGET = _item("Thief")


MANN = PathNode("Person", "Michael Mann", "Person:michael mann")
HEIST = PathNode("Theme", "heist", "Theme:heist")


def test_items_sharing_an_attribute_make_one_reason_with_names() -> None:
    paths = [
        Path((YOU, _item("Heat"), MANN, TARGET), ("INTERACTED", "DIRECTED_BY", "DIRECTED_BY"), 2),
        Path(
            (YOU, _item("Collateral"), MANN, TARGET),
            ("INTERACTED", "DIRECTED_BY", "DIRECTED_BY"),
            1,
        ),
    ]
    assert explanation_sentence(paths) == (
        "Because you liked *Heat* and *Collateral*, both directed by Michael Mann."
    )


def test_two_reasons_the_strongest_first_and_tags_read_as_tags() -> None:
    paths = [
        Path((YOU, _item("Ronin"), HEIST, TARGET), ("INTERACTED", "HAS_THEME", "HAS_THEME"), 3),
        Path((YOU, _item("Heat"), TARGET), ("INTERACTED", "SIMILAR_TEXT"), 1),
    ]
    assert explanation_sentence(paths) == (
        "Because you liked *Ronin*, also tagged “heist”, "
        "and *Heat*, described in words much like this one's."
    )


def test_friends_words_and_people_read_as_such() -> None:
    ana = PathNode("User", "Ana", "User:ana")
    friend = Path((YOU, ana, TARGET), ("FRIEND_OF", "INTERACTED"), 2)
    said = Path((YOU, HEIST, TARGET), ("LIKES", "HAS_THEME"), 1)
    assert explanation_sentence([friend, said]) == (
        "Because your friend Ana liked it, and you said you like things tagged “heist”."
    )
    other = PathNode("User", "12", "User:12")
    people = Path(
        (YOU, _item("Heat"), other, TARGET), ("INTERACTED", "INTERACTED", "INTERACTED"), 1
    )
    assert explanation_sentence([people]) == "Because people who liked *Heat* also liked it."


def test_no_path_says_so_and_never_shows_ids() -> None:
    assert "No path" in explanation_sentence([])
    text = explanation_sentence(
        [Path((YOU, _item("Heat"), MANN, TARGET), ("INTERACTED", "DIRECTED_BY", "DIRECTED_BY"), 1)]
    )
    assert "Item:" not in text and "User:" not in text and "Person:" not in text


def test_a_reason_after_one_of_another_kind_says_you_liked() -> None:
    other = PathNode("User", "12", "User:12")
    people = Path((YOU, _item("Heat"), other, TARGET), ("INTERACTED",) * 3, 2)
    shared = Path((YOU, _item("Ronin"), HEIST, TARGET), ("INTERACTED", "HAS_THEME", "HAS_THEME"), 1)
    assert explanation_sentence([people, shared]) == (
        "Because people who liked *Heat* also liked it, and you liked *Ronin*, also tagged “heist”."
    )


def test_a_knowledge_graph_entity_known_by_id_is_not_named() -> None:
    entity = PathNode("Entity", "4717", "Entity:4717")
    path = Path((YOU, _item("Heat"), entity, TARGET), ("INTERACTED", "RELATED", "RELATED"), 1)
    text = explanation_sentence([path])
    assert "4717" not in text
    assert text == "Because you liked *Heat*, also linked to one entity of the knowledge graph."


def test_items_liked_through_live_feedback_read_as_just_liked() -> None:
    paths = [
        Path((YOU, _item("Ronin"), HEIST, TARGET), ("FEEDBACK", "HAS_THEME", "HAS_THEME"), 3),
        Path((YOU, _item("Heat"), MANN, TARGET), ("INTERACTED", "DIRECTED_BY", "DIRECTED_BY"), 2),
    ]
    assert explanation_sentence(paths) == (
        "Because you just liked *Ronin*, also tagged “heist”, "
        "and you liked *Heat*, also directed by Michael Mann."
    )


def test_organisations_read_as_makers_or_as_named() -> None:
    pixar = PathNode("Organization", "Pixar", "Organization:pixar")
    cia = PathNode("Organization", "CIA", "Organization:cia")
    made = [Path((YOU, _item("Up"), pixar, TARGET), ("INTERACTED", "MADE_BY", "MADE_BY"), 1)]
    assert explanation_sentence(made) == "Because you liked *Up*, also from Pixar."
    named = [Path((YOU, _item("Argo"), cia, TARGET), ("INTERACTED", "INVOLVES", "INVOLVES"), 1)]
    assert explanation_sentence(named) == "Because you liked *Argo*, also involving CIA."


def test_what_users_said_reads_grammatically_for_every_kind() -> None:
    said = [
        Path((YOU, PathNode(label, name, f"{label}:{name}"), TARGET), ("LIKES", rel), 3 - k)
        for k, (label, name, rel) in enumerate(
            [
                ("Mood", "funny", "HAS_MOOD"),
                ("Place", "Lisbon", "SET_IN"),
                ("Genre", "noir", "HAS_GENRE"),
            ]
        )
    ]
    assert explanation_sentence(said) == (
        "Because you said you like things funny in tone, set in Lisbon and in the noir genre."
    )
    person = Path((YOU, MANN, TARGET), ("LIKES", "STARRING"), 1)
    assert explanation_sentence([person]) == (
        "Because you said you like things starring Michael Mann."
    )


def test_what_pulls_a_low_ranked_score_down_is_said() -> None:
    up = Path((YOU, _item("Heat"), MANN, TARGET), ("INTERACTED", "DIRECTED_BY", "DIRECTED_BY"), 0.8)
    down = Path(
        (YOU, _item("Ronin"), HEIST, TARGET), ("INTERACTED", "HAS_THEME", "HAS_THEME"), -0.4
    )
    hated = Path((YOU, HEIST, TARGET), ("DISLIKES", "HAS_THEME"), -0.2)
    assert explanation_sentence([up, down], rank=258) == (
        "Ranked 258th: because you liked *Heat*, also directed by Michael Mann, "
        "though liking *Ronin* counts against it."
    )
    # high in a list, a small pull down is left out; a heavy one is said
    light = Path(down.nodes, down.relationships, -0.3)
    assert "though" not in explanation_sentence([up, light], rank=3)
    heavy = Path(down.nodes, down.relationships, -0.5)
    assert explanation_sentence([up, heavy, hated], rank=2).endswith(
        "though you said you dislike heist and liking *Ronin* counts against it."
    )
    assert explanation_sentence([down], rank=101) == (
        "Ranked 101st: nothing you liked points to it, and liking *Ronin* counts against it."
    )


def test_alike_items_give_their_reasons() -> None:
    heat = _item("Heat")
    shared = [
        Path((heat, MANN, TARGET), ("DIRECTED_BY", "DIRECTED_BY"), 0.4),
        Path((heat, HEIST, TARGET), ("HAS_THEME", "HAS_THEME"), 0.1),
        Path((heat, PathNode("Genre", "drama", "Genre:drama"), TARGET), ("HAS_GENRE",) * 2, -0.3),
    ]
    assert likeness_sentence("Heat", shared, 12, True) == (
        "Like *Heat*: both directed by Michael Mann and tagged “heist”; 12 people had both; "
        "described in much the same words."
    )
    assert likeness_sentence("Heat", shared[2:], 1, False) == "Like *Heat*: 1 person had both."
