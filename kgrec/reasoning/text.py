"""One readable sentence from an item's best explanation paths."""

from __future__ import annotations

from collections.abc import Sequence

from kgrec.reasoning.paths import Path, PathNode

#: How an attribute reads after "also" / "both", per item–attribute relationship.
_ATTRIBUTE_PHRASE = {
    "DIRECTED_BY": "directed by {}",
    "STARRING": "starring {}",
    "WRITTEN_BY": "written by {}",
    "INVOLVES": "featuring {}",
    "MADE_BY": "from {}",
    "HAS_GENRE": "in the {} genre",
    "HAS_THEME": "tagged “{}”",
    "SET_IN": "set in {}",
    "HAS_MOOD": "{} in tone",
    "RELATED": "linked to {}",
}


def attribute_phrase(rel: str, name: str, label: str = "") -> str:
    """ "directed by Mara Lindqvist", "set in Tokyo", "tagged “heist”" ... An external
    knowledge graph's entity known only by its id is not named: a sentence shows no ids."""
    if label == "Entity" and not any(c.isalpha() for c in name):
        return "linked to one entity of the knowledge graph"
    if label == "Organization" and rel == "INVOLVES":
        return f"involving {name}"  # "the CIA" is in the story, not featured
    return _ATTRIBUTE_PHRASE.get(rel, "linked to {}").format(name)


def _listed(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _titles(names: Sequence[str], most: int = 2) -> str:
    quoted = [f"*{n}*" for n in list(dict.fromkeys(names))[:most]]
    return _listed(quoted)


def _person(node: PathNode) -> str:
    """A user as a sentence names them: their name, or "user 42" where the data has none."""
    return f"user {node.name}" if node.name == node.node_id.split(":", 1)[-1] else node.name


def _group_key(path: Path) -> tuple[str, ...]:
    labels = tuple(n.label for n in path.nodes)
    if len(path.nodes) == 3 and labels[1] == "User":
        return ("friends", labels[1], path.relationships[0])
    if len(path.nodes) == 3 and labels[1] == "Item":
        return ("text", path.relationships[1], path.relationships[0])
    if len(path.nodes) == 3:
        return ("said", path.relationships[0])
    if labels[1] == "Item" and labels[2] not in ("User", "Item"):
        return ("shared", path.nodes[2].node_id, path.relationships[2], path.relationships[0])
    if labels[2] == "User":
        return ("people", labels[1], path.relationships[0])
    return ("other", path.nodes[1].node_id, path.nodes[2].node_id)


def _clause(kind: str, paths: list[Path], first: bool, lead: bool) -> str:
    """One reason. ``lead``: the clause must say "you liked" itself (it opens the sentence,
    or follows a reason of another kind)."""
    head = paths[0]
    # an item liked through live feedback since the model: "you just liked"
    liked = "you just liked " if head.relationships[0] == "FEEDBACK" else "you liked "
    if kind == "friends":
        names = list(dict.fromkeys(_person(p.nodes[1]) for p in paths))
        who = (
            f"your friend {names[0]}"
            if len(names) == 1
            else f"your friends {names[0]} and {names[1]}"
        )
        return f"{who} liked it" if first else f"{who} liked it too"
    if kind == "said":
        # what the item has, as the words asked for it: "things set in Lisbon and funny in
        # tone" reads for every kind, where bare names did not ("friendship and funny")
        phrases = list(
            dict.fromkeys(
                attribute_phrase(p.relationships[1], p.nodes[1].name, p.nodes[1].label)
                for p in paths
            )
        )
        verb = "said you like" if head.relationships[0] == "LIKES" else "mentioned"
        return f"you {verb} things {_listed(phrases[:3])}"
    if kind == "text":
        items = list(dict.fromkeys(p.nodes[1].name for p in paths))
        you = liked if lead else ""
        if len(items) == 1:
            return f"{you}{_titles(items)}, described in words much like this one's"
        return f"{you}{_titles(items)}, described in much the same words"
    if kind == "shared":
        items = [p.nodes[1].name for p in paths]
        attr = attribute_phrase(head.relationships[2], head.nodes[2].name, head.nodes[2].label)
        you = liked if lead else ""
        link = "also" if len(set(items)) == 1 else "both"
        return f"{you}{_titles(items)}, {link} {attr}"
    if kind == "people":
        via = [p.nodes[1].name for p in paths]
        if head.nodes[1].label == "Item":
            return f"people who liked {_titles(via)} also liked it"
        return (
            f"people who also said they like {' and '.join(list(dict.fromkeys(via))[:2])} liked it"
        )
    return "it is linked to " + " and ".join(
        f"{p.nodes[1].name} via {p.nodes[2].name}" for p in paths
    )


#: Reasons that say "you liked …": the next one of these can leave the words out.
_YOU_LIKED = ("shared", "text")


#: From this rank on an item is far down the list, and its sentence says so first.
LOW_RANK = 21


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _against(paths: Sequence[Path]) -> str:
    """What pulls the score down: "you said you dislike horror", "liking *Heat* and
    *Ronin* counts against it"."""
    disliked = [p.nodes[1].name for p in paths if p.relationships[0] == "DISLIKES"]
    # a friend's taste pulling down stays among the paths: "liking Ana" would misread
    liked = [
        p.nodes[1] for p in paths if p.relationships[0] != "DISLIKES" and p.nodes[1].label != "User"
    ]
    parts = []
    if disliked:
        parts.append(f"you said you dislike {' and '.join(list(dict.fromkeys(disliked))[:2])}")
    if liked:
        names = [n.name for n in liked]
        shown = _titles(names) if liked[0].label == "Item" else " and ".join(names[:2])
        parts.append(f"liking {shown} counts against it")
    return " and ".join(parts)


def explanation_sentence(
    paths: Sequence[Path], max_reasons: int = 2, rank: int | None = None
) -> str:
    """ "Because you liked *Heat* and *Collateral*, both directed by Michael Mann." from the
    strongest path groups (paths that share an attribute, or a kind of evidence).

    Paths with negative scores lower the score: where they weigh at least half as much as
    the reasons shown, or the item ranks :data:`LOW_RANK` or lower (``rank``), the
    sentence says what pulls it down ("Ranked 258th: because …, though liking *Ronin*
    counts against it.")."""
    low = rank is not None and rank >= LOW_RANK
    negative = [p for p in paths if p.score < 0]
    positive = [p for p in paths if p.score > 0]
    weigh = sum(p.score for p in positive)
    heavy = -sum(p.score for p in negative) >= 0.5 * weigh
    though = _against(negative) if negative and (low or heavy) else ""
    lead = f"Ranked {_ordinal(rank)}: " if low and rank is not None else ""
    if not positive:
        if though:
            opening = f"{lead}nothing" if lead else "Nothing"
            return f"{opening} you liked points to it, and {though}."
        return (
            "No path in the graph links you to this item; it is recommended on overall similarity."
        )
    groups: dict[tuple[str, ...], list[Path]] = {}
    for path in positive:
        groups.setdefault(_group_key(path), []).append(path)
    ranked = sorted(groups.items(), key=lambda kv: -sum(p.score for p in kv[1]))[:max_reasons]
    kinds = [key[0] for key, _ in ranked]
    fresh = [group[0].relationships[0] == "FEEDBACK" for _, group in ranked]
    clauses = [
        _clause(
            kinds[k],
            group,
            first=k == 0,
            lead=k == 0 or kinds[k - 1] not in _YOU_LIKED or fresh[k] != fresh[k - 1],
        )
        for k, (_, group) in enumerate(ranked)
    ]
    if len(clauses) == 2:
        clauses[1] = "and " + clauses[1]
    because = ("because " if lead else "Because ") + ", ".join(clauses)
    return lead + because + (f", though {though}" if though else "") + "."


def likeness_sentence(title: str, paths: Sequence[Path], fellows: int, text: bool) -> str:
    """ "Like *Heat*: both directed by Michael Mann and set in Los Angeles; 12 people had
    both; described in much the same words." from :class:`kgrec.reasoning.explainer.Likeness`
    (attributes only where their links raise the score)."""
    reasons = []
    paths = [p for p in paths if p.score > 0]
    if paths:
        phrases = [
            attribute_phrase(p.relationships[1], p.nodes[1].name, p.nodes[1].label) for p in paths
        ]
        reasons.append("both " + _listed(phrases))
    if fellows:
        reasons.append(f"{fellows} {'person' if fellows == 1 else 'people'} had both")
    if text:
        reasons.append("described in much the same words")
    if not reasons:
        return f"Like *{title}* in what the people who had it also had."
    return f"Like *{title}*: " + "; ".join(reasons) + "."
