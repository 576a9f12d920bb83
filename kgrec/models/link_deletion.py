r"""The item filter refit exactly after deleting two items' links to one attribute: the
attribute-level deletion test of ``kgrec.evaluation.explanations``.

A path "you liked *j*, which shares attribute *a* with *i*" names *a*; the test deletes
the links *j*–*a* and *i*–*a* and refits. Deleting them changes the filter's Gram matrix
(``kgrec.models.item_filter``) by a rank-2 term: with *c* the items linked to *a* and
:math:`d = e_i + e_j`,

.. math::  \Delta G = \alpha\,(d d^\top - c d^\top - d c^\top) = U M U^\top, \quad
           U = [c, d], \quad M = \alpha \begin{pmatrix} 0 & -1 \\ -1 & 1 \end{pmatrix}

so the refit's :math:`P' = P - P U (M^{-1} + U^\top P U)^{-1} U^\top P` (Woodbury) and
its weights :math:`B'_{ji} = -P'_{ji} / P'_{ii}` need no second inversion: a user's
filter score :math:`\sum_j x_j B'_{ji}` costs a few sums over *c*. Every weight counts
here (none dropped, as the served filter's ``keep`` drops the smallest), so the test
compares the refit with the same untruncated fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from kgrec.graph.export import GraphTensors
from kgrec.models.item_filter import FilterGrams, inverse
from kgrec.models.scorer import GraphLinks


@dataclass
class FilterRefit:
    """The dense :math:`P` of one fitted filter and what deletions need of the graph."""

    p: torch.Tensor  # (n_items, n_items)
    alpha: float
    links: GraphLinks
    _inside: dict[int, float] = field(default_factory=dict)  # c^T P c per attribute node

    @classmethod
    def of(
        cls,
        gt: GraphTensors,
        train_pairs: np.ndarray,
        settings: tuple[float, float, float],
        device: torch.device | str = "cpu",
    ) -> FilterRefit:
        """The fit of ``gt``'s items on the (user, item) position ``train_pairs`` with
        ``settings`` (λ, α, β), inverted on ``device``."""
        grams = FilterGrams.of(gt, train_pairs).to(device)
        return cls(inverse(grams, *settings).cpu(), settings[1], GraphLinks(gt))

    def scores(
        self,
        history: torch.Tensor,
        item: int,
        liked: int | None = None,
        attributes: list[int] | None = None,
    ) -> list[float]:
        """The filter score :math:`\\sum_j x_j B_{ji}` of ``item`` (a position) for the
        dense ``history`` x, refitted once per attribute node in ``attributes`` with the
        links of ``item`` and ``liked`` (a position) to it deleted; without attributes,
        the fit's own score (one value)."""
        x_at = history.nonzero().flatten()
        x_at = x_at[x_at != item]  # B_ii = 0: the item's own weight never counts
        x = history[x_at].double()
        p = self.p
        p_i = p[:, item].double()
        own = -float(x @ p_i[x_at]) / float(p_i[item])
        if not attributes or liked is None:
            return [own]
        q = p[:, x_at].double() @ x  # P x
        p_j = p[:, liked].double()
        d_p = float(p_i[item] + p_i[liked])
        d_q = float(q[item] + q[liked])
        d_pd = float(p_i[item] + 2 * p_i[liked] + p_j[liked])
        m_inv = -torch.tensor([[1.0, 1.0], [1.0, 0.0]], dtype=torch.float64) / self.alpha
        out = []
        for a in attributes:
            _, members = self.links.items_of(torch.tensor([a]))
            c_p, c_q = float(p_i[members].sum()), float(q[members].sum())
            c_pd = c_p + float(p_j[members].sum())
            if a not in self._inside:
                self._inside[a] = float(p[members][:, members].double().sum())
            inner = torch.tensor([[self._inside[a], c_pd], [c_pd, d_pd]], dtype=torch.float64)
            k_inv = torch.linalg.inv(m_inv + inner)
            u_p = torch.tensor([c_p, d_p], dtype=torch.float64)
            u_q = torch.tensor([c_q, d_q], dtype=torch.float64)
            x_p = float(x @ p_i[x_at]) - float(u_q @ k_inv @ u_p)
            p_ii = float(p_i[item]) - float(u_p @ k_inv @ u_p)
            out.append(-x_p / p_ii)
        return out
