"""A Recommender refitted on chosen interactions: what a simulation (or a replay
benchmark) serves, so the recommender sees exactly the data it is allowed to.

The pipeline's own model is usually refitted on every interaction (``[model] refit``),
held-out ones included; an experiment that replays held-out interactions must not serve
it. :func:`recommender_on` refits the same model, with the settings the pipeline chose on
valid, on the interactions given, over a graph holding exactly those.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from kgrec.api import Recommender
from kgrec.graph.builder import build_graph
from kgrec.graph.kg import node_id
from kgrec.graph.text_links import with_text_links
from kgrec.layout import EMBEDDINGS_FILE, MENTIONS_FILE
from kgrec.models.fit import no_steps, refit_kgrec
from kgrec.pipeline import Pipeline
from kgrec.trained import Trained


def recommender_on(
    pipe: Pipeline, trained: Trained, interactions: pd.DataFrame, events_dir: Path
) -> Recommender:
    """A Recommender over ``interactions`` (``user_id``, ``item_id``, ``timestamp`` where
    the data has times) refitted with ``trained``'s settings; its event logs live in
    ``events_dir`` (nothing is written to the pipeline's work directory)."""
    dataset = pipe.dataset()
    mentions = pd.read_parquet(pipe.work_dir / MENTIONS_FILE)
    emb = pd.read_parquet(pipe.work_dir / EMBEDDINGS_FILE)
    kg = with_text_links(build_graph(dataset, mentions, interactions), emb)
    gt = pipe.tensors(kg, emb)
    users = {gt.node_ids[int(n)]: k for k, n in enumerate(gt.users)}
    items = {gt.node_ids[int(n)]: k for k, n in enumerate(gt.items)}
    pairs = np.asarray(
        [
            [users[node_id("User", u)] for u in interactions["user_id"]],
            [items[node_id("Item", i)] for i in interactions["item_id"]],
        ],
        dtype=np.int64,
    ).T.reshape(-1, 2)
    fitted = trained.fitted
    if fitted.filter is not None and fitted.filter.settings is not None:
        lam, alpha, beta = fitted.filter.settings
        fitted = replace(fitted, choice={"lambda": lam, "alpha": alpha, "beta": beta})
    timed = "timestamp" in interactions and interactions["timestamp"].notna().all()
    times = interactions["timestamp"].to_numpy(dtype=np.int64) if timed else None
    model = refit_kgrec(gt, pairs, pipe.config.model, fitted, no_steps, times)
    return Recommender(pipe.config, kg, gt, model, events_dir)
