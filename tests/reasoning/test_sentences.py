from kgrec.reasoning import Path, PathNode, explanation_sentence

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
        "Because your friend Ana liked it, and you said you like heist."
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
