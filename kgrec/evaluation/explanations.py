"""How good the explanations of a model's top-k recommendations are.

For every evaluated user, the model's top ``k`` items (known items excluded, as in the
ranking metrics) are explained (``kgrec.reasoning.explainer``) and measured:

* **coverage**: share of recommendations with at least one path;
* **deletion fidelity**: delete the top path's end edges (the user's edge into the path,
  the item's edge out of it) and re-score the item with the model
  (``kgrec.models.scorer.Scorer.score_without``); do the same for a random other path
  *of the same type* (same relationship sequence) among the item's strongest
  ``max_paths``. The share of recommendations where deleting the top path lowers the
  score more, over those that have a second path of that type (``fidelity_cases``);
* **attribute fidelity** (with ``refit``): for top paths of the form you liked *j*, which
  shares attribute *a* with the item, delete *j*'s and the item's links to *a*, refit the
  filter exactly (``kgrec.models.link_deletion``; the GNN's part to first order) and
  re-score; do the same for another attribute the two items share, drawn at random. The
  share of such recommendations where the named attribute's deletion lowers the score
  more (``attribute_cases`` of them). ``attribute_fidelity_norms`` is the same for the
  attribute the largest product of GNN edge norms would name (how paths named it before);
* **mean score drop**: the share of the item's score lost when its top path is deleted;
* **path-type diversity**: distinct relationship sequences among the top paths of a
  user's list, divided by the list's length (1 = every reason of a different kind);
* **path recency** (where interactions have times): how recent the liked item a top path
  starts from is in the user's history, 1 for the latest, 0 for the first (the
  linked-interaction recency of path-reasoning recommenders);
* **shared-entity popularity**: the share of all items linked to the node a top path goes
  through (a genre carried by half the catalogue scores 0.5): lower is a more specific
  reason.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import numpy as np
import torch

from kgrec.models.history import Histories
from kgrec.models.link_deletion import FilterRefit
from kgrec.models.scorer import AttributeLinks, UserState
from kgrec.reasoning.explainer import Explainer
from kgrec.reasoning.paths import Path


def explanation_metrics(
    explainer: Explainer,
    history: Histories,
    users: Sequence[int],
    exclude: Sequence[Sequence[int]],
    candidates: Sequence[int] | None = None,
    k: int = 10,
    times: tuple[np.ndarray, np.ndarray] | None = None,
    max_paths: int = 50,
    seed: int = 0,
    refit: FilterRefit | None = None,
) -> dict[str, float]:
    """The measures above for the user positions ``users`` scored from ``history``.

    ``exclude`` holds each user's known item positions; ``candidates`` the item
    positions ranked (None: all); ``times`` the (user, item) position pairs of
    ``history`` and their times, for path recency; ``refit`` the dense fit of the
    model's filter, for attribute fidelity (without it the filter's part is left out
    of that test)."""
    gt, scorer, paths = explainer.gt, explainer.scorer, explainer.paths
    n_items = len(gt.items)
    ranked = torch.ones(n_items, dtype=torch.bool)
    if candidates is not None:
        ranked[:] = False
        ranked[list(candidates)] = True
    share = _item_share(explainer)
    recency = _recency(times) if times is not None else None
    rng = np.random.default_rng(seed)
    covered = pairs = cases = wins = 0
    attribute = _AttributeTest(explainer, refit, np.random.default_rng(seed + 1))
    drops: list[float] = []
    diversity: list[float] = []
    recent: list[float] = []
    popular: list[float] = []
    for u in users:
        node = int(gt.users[u])
        _, items, weights = history.entries(torch.tensor([u]))
        state = scorer.state(node, items, weights)
        scores = scorer.scores(state)
        scores[~ranked] = -torch.inf
        scores[list(exclude[u])] = -torch.inf
        shown = torch.topk(scores, min(k, int(torch.isfinite(scores).sum()))).indices.tolist()
        exps = explainer.explanations(paths.node(node), state, shown, max_paths)
        types = set()
        for item, exp in zip(shown, exps, strict=True):
            pairs += 1
            if not exp.paths:
                continue
            covered += 1
            best = exp.paths[0]
            types.add(best.relationships)
            whole = explainer.score_without(state, item)
            drop = whole - explainer.score_without(state, item, best)
            if whole:
                drops.append(drop / abs(whole))
            # against the other paths of its type that raise the score (those shown for
            # what lowers it would lose by construction)
            alike = [
                p for p in exp.paths[1:] if p.relationships == best.relationships and p.score > 0
            ]
            if alike:
                other = alike[int(rng.integers(len(alike)))]
                cases += 1
                wins += drop > whole - explainer.score_without(state, item, other)
            attribute.check(state, item, best)
            via = paths.index[best.nodes[-2].node_id]
            popular.append(float(share[via]))
            first = int(scorer.links.item_pos[paths.index[best.nodes[1].node_id]])
            if recency is not None and first >= 0 and (u, first) in recency:
                recent.append(recency[(u, first)])
        if shown:
            diversity.append(len(types) / len(shown))
    out = {
        "coverage": covered / pairs if pairs else 0.0,
        "deletion_fidelity": wins / cases if cases else 0.0,
        "mean_score_drop": _mean(drops),
        "path_type_diversity": _mean(diversity),
        "shared_entity_popularity": _mean(popular),
        "recommendations": float(pairs),
        "fidelity_cases": float(cases),
        **attribute.result(),
    }
    if recency is not None:
        out["path_recency"] = _mean(recent)
    return out


class _AttributeTest:
    """Attribute fidelity (module docstring), one top path at a time."""

    def __init__(
        self, explainer: Explainer, refit: FilterRefit | None, rng: np.random.Generator
    ) -> None:
        self.explainer, self.refit, self.rng = explainer, refit, rng
        self.cases = self.wins = self.wins_norms = 0

    def check(self, state: UserState, item: int, path: Path) -> None:
        """Test ``path`` (the top path of ``item``, a position) if it goes through an
        attribute the two items share with others."""
        paths = self.explainer.paths
        if len(path.nodes) != 4 or path.nodes[1].label != "Item":
            return
        liked = paths.index[path.nodes[1].node_id]
        named = paths.index[path.nodes[2].node_id]
        node = int(paths.gt.items[item])
        if paths.is_user[named] or paths.is_item[named]:
            return
        shared = _shared_attributes(self.explainer, liked, node)
        if len(shared) < 2:
            return
        n = paths.gt.num_nodes
        n_via = paths.norm[paths.find_edges(liked * n + shared)[1]]
        n_item = paths.norm[paths.find_edges(node * n + shared)[1]]
        k = len(shared)
        links = AttributeLinks(
            torch.full((k,), item),
            torch.full((k,), liked),
            torch.from_numpy(shared),
            torch.from_numpy(n_via),
            torch.from_numpy(n_item),
        )
        drops = self._drops(state, links)
        by_norms = int(np.argmax(n_via * n_item))
        at = {int(a): k for k, a in enumerate(shared)}
        self.cases += 1
        self.wins += self._beats_another(drops, at[named])
        self.wins_norms += self._beats_another(drops, by_norms)

    def _beats_another(self, drops: torch.Tensor, choice: int) -> bool:
        """Whether the ``choice``'s drop beats a random other attribute's."""
        other = int(self.rng.integers(len(drops) - 1))
        return bool(drops[choice] > drops[other + (other >= choice)])

    def _drops(self, state: UserState, links: AttributeLinks) -> torch.Tensor:
        """How much the item's score drops when each shared attribute's two links go
        (``links``: one item, one liked item, every shared attribute)."""
        scorer = self.explainer.scorer
        drops = -scorer.gnn_link_effects(state, links).double()
        f = scorer.fitted
        if self.refit is not None and len(state.items):
            x = torch.zeros(len(scorer.gt.items))
            x[state.items] = state.weights
            item, j = int(links.items[0]), int(scorer.links.item_pos[links.via[0]])
            (own,) = self.refit.scores(x, item)
            refits = self.refit.scores(x, item, j, links.shared.tolist())
            drops += f.filter_scale * (own - torch.tensor(refits, dtype=torch.float64))
        for k, a in enumerate(links.shared.tolist()):  # a named attribute loses its term
            drops[k] += f.filter_scale * scorer.direct_through(state, a)
        return drops

    def result(self) -> dict[str, float]:
        """The measures, for ``explanation_metrics``' dict."""
        out = {"attribute_cases": float(self.cases)}
        if self.cases:
            out["attribute_fidelity"] = self.wins / self.cases
            out["attribute_fidelity_norms"] = self.wins_norms / self.cases
        return out


def _shared_attributes(explainer: Explainer, a: int, b: int) -> np.ndarray:
    """The attribute nodes both graph nodes are linked to."""
    paths = explainer.paths
    both = np.intersect1d(paths.neighbours(a).numpy(), paths.neighbours(b).numpy())
    shared: np.ndarray = both[~paths.is_user[both] & ~paths.is_item[both]]
    return shared


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def _item_share(explainer: Explainer) -> torch.Tensor:
    """Per node, the share of all items it is linked to."""
    gt = explainer.gt
    is_item = torch.zeros(gt.num_nodes, dtype=torch.bool)
    is_item[gt.items] = True
    src, dst = gt.edge_index
    linked = torch.bincount(src[is_item[dst]], minlength=gt.num_nodes)
    return linked.float() / max(len(gt.items), 1)


def _recency(times: tuple[np.ndarray, np.ndarray]) -> dict[tuple[int, int], float]:
    """(user, item) → the item's place in the user's history by time, 0 first, 1 last."""
    pairs, when = times
    order = np.lexsort((when, pairs[:, 0]))
    users = pairs[order, 0]
    starts = np.r_[0, np.flatnonzero(users[1:] != users[:-1]) + 1]
    sizes = np.diff(np.r_[starts, len(users)])
    place = np.arange(len(users)) - np.repeat(starts, sizes)
    denom = np.maximum(np.repeat(sizes, sizes) - 1, 1)
    return {
        (int(u), int(i)): float(r) for (u, i), r in zip(pairs[order], place / denom, strict=True)
    }
