"""Canonicalisation: map the many spellings of one attribute to one name.

Three steps, per attribute kind: (1) the schema's vocabularies ("sci-fi" → "science
fiction"); (2) for people, a lone surname links to the one full name that ends in it
("Nolan" → "Christopher Nolan"); (3) for concept kinds (not people: two different
people's names embed close together), names whose BERT embeddings have cosine
similarity ≥ the threshold merge, greedily, into the most frequent (or an anchor) name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from kgrec.graph.kg import normalise_key
from kgrec.graph.schema import GraphSchema

#: Kinds whose names never merge by embedding similarity alone.
NO_EMBEDDING_MERGE = frozenset({"Person"})


def clean_surface(text: str) -> str:
    """Strip possessives, a leading article and stray punctuation from a mention."""
    text = re.sub(r"[’']s$", "", text.strip())
    text = re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return text.strip(" \t\n.,;:!?\"'()[]")


class Canonicalizer:
    """Maps attribute names of one kind to canonical names (see module docstring)."""

    def __init__(
        self,
        schema: GraphSchema,
        embed: Callable[[Sequence[str]], np.ndarray] | None,
        threshold: float,
        anchors: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.schema, self.embed, self.threshold = schema, embed, threshold
        self.variants: dict[str, dict[str, str]] = {
            kind: {
                normalise_key(surface): canonical
                for canonical, variants in vocab.items()
                for surface in (canonical, *variants)
            }
            for kind, vocab in schema.vocabularies.items()
        }
        self.anchors = {kind: list(dict.fromkeys(names)) for kind, names in (anchors or {}).items()}

    def canonical_map(self, kind: str, names: Sequence[str]) -> dict[str, str]:
        """``{name: canonical}`` for every name given (names are mentions' surfaces)."""
        counts = Counter(clean_surface(n) for n in names)
        counts.pop("", None)
        vocab = self.variants.get(kind, {})
        result: dict[str, str] = {}
        rest: list[str] = []
        for name, _ in counts.most_common():
            if normalise_key(name) in vocab:
                result[name] = vocab[normalise_key(name)]
            else:
                rest.append(name)
        if kind == "Person":
            self._link_surnames(rest, result)
        elif self.embed is not None and kind not in NO_EMBEDDING_MERGE and rest:
            self._merge_by_embedding(kind, rest, result)
        for name in rest:
            result.setdefault(name, self._anchor_case(kind, name))
        return {raw: result.get(clean_surface(raw), clean_surface(raw)) for raw in names}

    def _anchor_case(self, kind: str, name: str) -> str:
        for anchor in self.anchors.get(kind, []):
            if normalise_key(anchor) == normalise_key(name):
                return anchor
        return name

    def _link_surnames(self, names: list[str], result: dict[str, str]) -> None:
        full = [n for n in dict.fromkeys([*self.anchors.get("Person", []), *names]) if " " in n]
        by_last: dict[str, set[str]] = {}
        for name in full:
            by_last.setdefault(normalise_key(name.split()[-1]), set()).add(name)
        for name in names:
            if " " not in name:
                owners = by_last.get(normalise_key(name), set())
                if len(owners) == 1:
                    result[name] = next(iter(owners))

    def _merge_by_embedding(self, kind: str, names: list[str], result: dict[str, str]) -> None:
        assert self.embed is not None
        heads = list(
            dict.fromkeys([*self.schema.vocabularies.get(kind, {}), *self.anchors.get(kind, [])])
        )
        vectors = self.embed(heads + names)
        head_vecs = list(vectors[: len(heads)])
        for name, vec in zip(names, vectors[len(heads) :], strict=True):
            if head_vecs:
                sims = np.stack(head_vecs) @ vec
                best = int(sims.argmax())
                if sims[best] >= self.threshold:
                    result[name] = heads[best]
                    continue
            heads.append(name)
            head_vecs.append(vec)
