"""``kgrec simulate``: policies run on simulated users grounded in a pipeline's data, over
several seeds and response-model families, with the simulator's validation.

Per response family and seed: a world of ``users`` simulated users (``kgrec.simulate.
grounded``), and each policy run on fresh copies of them for ``rounds`` rounds. kgrec is
refitted once on the train split (``kgrec.simulate.serving``; the pipeline's own model saw
the test split too) and every kgrec policy starts from that model with no feedback.
Validation: the response model's AUC on the test split (fitted on train + valid), and
Kendall's τ between the simulated accepts of four static recommenders (popularity,
ItemKNN, EASE, kgrec) and their offline NDCG@10 on the test split, all scored by the one
evaluator.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from kgrec.api import Recommender
from kgrec.config import PipelineConfig
from kgrec.errors import ArgumentError
from kgrec.evaluation.baselines import run_baselines
from kgrec.evaluation.experiment import test_evaluator, test_scores
from kgrec.evaluation.offpolicy import Logged, estimate, greedy, live_log
from kgrec.evaluation.ranking import ScoreFn
from kgrec.graph.split import SplitData
from kgrec.layout import DATA_DIR
from kgrec.pipeline import Pipeline
from kgrec.simulate.grounded import (
    FAMILIES,
    Grounded,
    fit_family,
    grounded_world,
    kendall_tau,
)
from kgrec.simulate.loop import Outcome, Policy, expected_first_accepts, mean_ci, simulate
from kgrec.simulate.policies import BanditPolicy, DiversePolicy, KgrecPolicy
from kgrec.simulate.serving import recommender_on
from kgrec.simulate.user import Behaviour, Reaction
from kgrec.trained import Trained

#: The policies :func:`run` knows, in the order they are reported.
POLICIES = ("static", "online", "diverse", "bandit")
#: The static recommenders the simulator's ordering is checked on.
CHECKED = ("popularity", "itemknn", "ease")


class ScorePolicy:
    """A static recommender given as a score function over user positions: each user's
    top ``k`` of the items they had before the test split (as the offline evaluation
    ranks them)."""

    def __init__(self, name: str, fn: ScoreFn, split: SplitData) -> None:
        self.name, self.fn = name, fn
        self.user = {
            split.gt.node_ids[int(n)].removeprefix("User:"): k for k, n in enumerate(split.gt.users)
        }
        self.seen = split.known_at_test
        self.cache: dict[str, list[int]] = {}

    def slate(self, user: str, k: int) -> list[int]:
        """The top ``k`` (the same every round: nothing is learned)."""
        if user not in self.cache:
            pos = self.user[user]
            with torch.no_grad():
                scores = self.fn(torch.tensor([pos]))[0].clone()
            scores[self.seen[pos]] = -torch.inf
            self.cache[user] = torch.topk(scores, k).indices.tolist()
        return self.cache[user]

    def observe(self, user: str, slate: list[int], reaction: Reaction) -> None:
        """Nothing is learned."""

    def hear(self, user: str, sentence: str) -> None:
        """Nothing is heard."""


def check_names(policies: Sequence[str], families: Sequence[str]) -> None:
    """Refuse policy or response-family names :func:`run` does not know."""
    unknown = [p for p in policies if p not in POLICIES]
    if unknown or not policies:
        raise ArgumentError(f"unknown policies {unknown}: choose from {', '.join(POLICIES)}")
    strange = [f for f in families if f not in FAMILIES]
    if strange or not families:
        raise ArgumentError(
            f"unknown response families {strange}: choose from {', '.join(FAMILIES)}"
        )


def run(
    config: PipelineConfig,
    policies: Sequence[str] = POLICIES,
    users: int = 100,
    rounds: int = 20,
    seeds: int = 3,
    families: Sequence[str] = ("factorisation",),
    k: int = 10,
    on_step: Callable[[str], None] | None = None,
    offpolicy: bool = True,
) -> dict[str, Any]:
    """Simulate ``policies`` (module docstring); the ``kgrec simulate --json`` object:
    ``{"policies": {...}, "validation": {...}, "offpolicy": {...}}`` for one family,
    ``{"runs": [...]}`` for several. ``on_step`` is told each run as it starts (a
    progress bar); ``offpolicy`` adds the off-policy check (:class:`OffPolicyCheck`)."""
    check_names(policies, families)
    pipe = Pipeline(config)
    split = pipe.split_data()
    trained = Trained.load(pipe.work_dir)
    train = pd.read_parquet(pipe.work_dir / DATA_DIR / "train.parquet")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        base = recommender_on(pipe, trained, train, Path(tmp) / "base")
        checked = _checked(split, config, base)
        for family in families:
            fitted = fit_family(split, family)
            outcomes: dict[str, list[Outcome]] = {p: [] for p in (*policies, *checked)}
            first: dict[str, list[float]] = {c: [] for c in checked}
            aucs = []
            ope = OffPolicyCheck()
            for seed in range(seeds):
                g = grounded_world(
                    split, fitted, users, seed, Behaviour(**config.simulate.model_dump())
                )
                aucs.append(g.auc)
                if offpolicy:
                    ope.add(g, base, k, seed, Path(tmp) / f"{family}-{seed}-ope")
                for name in (*policies, *checked):
                    if on_step is not None:
                        on_step(f"{family} · seed {seed} · {name}")
                    work = Path(tmp) / f"{family}-{seed}-{name}"
                    policy = _policy(name, base, g, checked, split, work)
                    if name in checked:
                        first[name].append(expected_first_accepts(g.world, policy, k))
                    outcomes[name].append(simulate(g.world, policy, rounds, k, seed))
            report = _report(family, outcomes, policies, checked, first, float(np.mean(aucs)))
            report["validation"]["attribute_weight"] = fitted.attribute_weight
            if offpolicy:
                report["offpolicy"] = ope.result()
            runs.append(report)
    return runs[0] if len(runs) == 1 else {"runs": runs}


def _checked(
    split: SplitData, config: PipelineConfig, base: Recommender
) -> dict[str, tuple[ScoreFn, float]]:
    """The static recommenders of the ordering check, with their offline test NDCG@10."""
    evaluate = test_evaluator(split)
    ev = config.eval.model_copy(update={"baselines": list(CHECKED)})
    out = {
        name: (fn, evaluate(fn)["ndcg@10"])
        for name, fn, _ in run_baselines(split, ev, config.model)
    }
    # scored as the offline protocol scores it (the baselines too: run_baselines)
    kgrec_fn = test_scores(split, base.fitted)
    out["kgrec-static"] = (kgrec_fn, evaluate(kgrec_fn)["ndcg@10"])
    return out


def _policy(
    name: str,
    base: Recommender,
    g: Grounded,
    checked: dict[str, tuple[ScoreFn, float]],
    split: SplitData,
    work: Path,
) -> Policy:
    world = g.world
    if name in checked:
        return ScorePolicy(name, checked[name][0], split)
    rec = base.fresh(work)
    item_ids = [rec.ranker.item_key(p) for p in range(len(rec.gt.items))]
    if name == "static":
        return KgrecPolicy(rec, item_ids, learn=False, name="static")
    if name == "online":
        return KgrecPolicy(rec, item_ids, learn=True, name="online")
    if name == "diverse":
        return DiversePolicy(rec, item_ids, world.item_attributes)
    return BanditPolicy(rec, item_ids, world.item_attributes, world.popularity)


def _report(
    family: str,
    outcomes: dict[str, list[Outcome]],
    policies: Sequence[str],
    checked: dict[str, tuple[ScoreFn, float]],
    first: dict[str, list[float]],
    auc: float,
) -> dict[str, Any]:
    """Means over seeds (accepts with a 95% interval) per policy, and the validation:
    Kendall τ of the checked recommenders' simulated accepts and of their exact expected
    first-slate accepts (``first``), each against their offline NDCG@10."""
    out: dict[str, Any] = {}
    for name in policies:
        runs = outcomes[name]
        mean, lo, hi = mean_ci([float(np.mean(o.accepts)) for o in runs])
        summaries = [o.summary() for o in runs]
        out[name] = {
            "accepts": mean,
            "accepts_ci": [lo, hi],
            **{
                key: float(np.mean([s[key] for s in summaries]))
                for key in ("session_length", "satisfaction", "diversity", "novelty", "coverage")
            },
            "cumulative": np.mean([o.cumulative for o in runs], axis=0).tolist(),
        }
    simulated = {c: float(np.mean([np.mean(o.accepts) for o in outcomes[c]])) for c in checked}
    expected = {c: float(np.mean(first[c])) for c in checked}
    offline = {c: checked[c][1] for c in checked}
    return {
        "policies": out,
        "validation": {
            "auc": auc,
            "kendall_tau": kendall_tau(list(simulated.values()), list(offline.values())),
            "kendall_tau_first": kendall_tau(list(expected.values()), list(offline.values())),
            "response_model": family,
            "checked": {
                c: {"accepts": simulated[c], "first_slate": expected[c], "ndcg@10": offline[c]}
                for c in checked
            },
        },
    }


class OffPolicyCheck:
    """Off-policy estimates against the truth, on first rounds (fresh users, so the
    logging and the target policies meet the same users in the same state). The log is
    the live service's own: kgrec explores (``Recommender.explore``, temperature 0.2 over
    its top 30, as ``kgrec serve --explore`` does), each slate and its propensity go to
    the work directory's slate log and the users' reactions to its feedback log, naming
    the slate, and the estimates are read from there as ``kgrec ope`` reads them
    (``kgrec.evaluation.offpolicy.live_log``). The targets: kgrec's own top 1
    (``static``, the ``greedy`` target) and the untrained bandit's first pick
    (``bandit``); their true values are exact from the hidden preferences (the expected
    accept at the always-examined first position)."""

    targets = ("static", "bandit")

    def __init__(self) -> None:
        self.logs: list[Logged] = []
        self.truth: dict[str, list[float]] = {t: [] for t in self.targets}
        self.picks: dict[str, str] = {}  # the bandit's first pick per (seed:user)

    def add(self, g: Grounded, base: Recommender, k: int, seed: int, work: Path) -> None:
        """Log one first round of ``g``'s users and record the targets' picks and truth."""
        world = g.world
        rec = base.fresh(work, seed)
        item_ids = [rec.ranker.item_key(p) for p in range(len(rec.gt.items))]
        position = {item: n for n, item in enumerate(item_ids)}
        row = {user: n for n, user in enumerate(world.user_ids)}
        b = world.behaviour

        def accept(user: str, item: str) -> float:
            return b.accept_chance(float(world.preference[row[user], position[item]]))

        logger = KgrecPolicy(rec, item_ids, learn=True, name="explore", temperature=0.2)
        simulate(world, logger, 1, k, seed)
        logs = live_log(work, rec.live.positive)
        self.truth["static"] += [accept(x.user, next(iter(greedy(x)))) for x in logs]
        bandit = BanditPolicy(
            base.fresh(work / "bandit"), item_ids, world.item_attributes, world.popularity
        )
        for user in world.user_ids:
            pick = item_ids[bandit.slate(user, k)[0]]
            self.picks[f"{seed}:{user}"] = pick
            self.truth["bandit"].append(accept(user, pick))
        # users are per seed: keep them apart in the pooled log
        self.logs += [replace(x, user=f"{seed}:{x.user}") for x in logs]

    def result(self) -> dict[str, Any]:
        """Per target: the true value and each estimate as [value, low, high]."""
        out: dict[str, Any] = {"logged": len(self.logs)}
        for name, target in (("static", greedy), ("bandit", self._bandit)):
            out[name] = {"true": float(np.mean(self.truth[name])), **estimate(self.logs, target)}
        return out

    def _bandit(self, x: Logged) -> dict[str, float]:
        return {self.picks[x.user]: 1.0}
