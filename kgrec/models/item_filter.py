r"""The knowledge-aware item filter: kgrec's closed-form item–item part.

For every pair of items it learns how much liking item *j* says about item *i*, from
three kinds of two-hop paths in the graph at once:

* item *j* – user – item *i* (co-interaction): :math:`X^\top X`, with :math:`X` the
  binary user × item training matrix;
* item *j* – attribute – item *i* (shared genre, person, place, theme, KG entity, …):
  :math:`A^\top A`, with :math:`A` the binary attribute × item matrix of the extracted
  and loaded attribute links;
* item *j* ≈ item *i* in text: :math:`T T^\top`, with :math:`T` the items' L2-normalised
  BERT text embeddings.

Their weighted sum is a Gram matrix :math:`G = X^\top X + \alpha A^\top A + \beta T T^\top`
and the filter is the ridge regression that rebuilds each item's column from the
*other* items' columns (EASE, Steck 2019; with side information as extra rows, as in
collective EASE, Jeunen et al. 2020):

.. math::  B = I - P\,\mathrm{diag}(1/\mathrm{diag}(P)), \qquad P = (G + \lambda I)^{-1}

so :math:`\mathrm{diag}(B) = 0`. A user's filter score for item *i* is
:math:`f(u, i) = \sum_{j \in I_u} B_{ji}`: a sum over the items the user liked, each
term the weight of one item-to-item link — which is how ``kgrec.reasoning`` explains it.
Items without interactions still get weights through attributes and text, so the filter
scores new items (cold start). :math:`B` is kept sparse: the ``keep`` largest weights
(by magnitude) of each item's column.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from kgrec.graph.export import GraphTensors
from kgrec.models.ragged import segments, segments_np
from kgrec.models.types import ScoreFn, Validate

if TYPE_CHECKING:
    from kgrec.models.history import Histories

#: floats in the dense block of rows of X or A made at a time while summing a Gram matrix
_CHUNK_FLOATS = 1 << 26
#: attributes of at least this many items get exact sums of P over their items
#: (``ItemFilter.sums``): the kept weights miss most of what a large attribute sums
SUMMED_ATTRIBUTE_ITEMS = 20


@dataclass
class ItemFilter:
    r"""A sparse item–item weight matrix ``B`` (rows: liked item j, columns: scored item i).

    ``diag`` (the diagonal of :math:`P = (G + \lambda I)^{-1}`) and ``settings``
    (λ, α, β) are what :meth:`with_items` needs to add items without a refit; a filter
    saved before they were kept has neither. ``sums`` are, for the attribute nodes
    ``sum_nodes`` linked to at least ``SUMMED_ATTRIBUTE_ITEMS`` items, the sums of
    :math:`P`'s columns over each one's items, :math:`(A P)_{a\cdot}`: what naming a
    path's attribute needs (``Scorer.link_effects``) and the kept weights of a large
    attribute's items would get wrong.
    """

    index: torch.Tensor  # (2, nnz): j, i
    values: torch.Tensor  # (nnz,)
    n_items: int
    diag: torch.Tensor | None = None
    settings: tuple[float, float, float] | None = None
    sums: torch.Tensor | None = None  # (len(sum_nodes), n_items)
    sum_nodes: torch.Tensor | None = None

    def __post_init__(self) -> None:
        # B transposed (rows: scored item i), so scores are one sparse @ dense product
        with warnings.catch_warnings():  # "sparse CSR support is in beta": we rely on matmul only
            warnings.simplefilter("ignore", UserWarning)
            self._bt = torch.sparse_coo_tensor(
                self.index.flip(0), self.values, (self.n_items, self.n_items)
            ).to_sparse_csr()

    def scores(self, liked: torch.Tensor) -> torch.Tensor:
        """Filter scores of every item for rows of liked-item indicators (B, n_items)."""
        return (self._bt @ liked.T.contiguous()).T

    @cached_property
    def by_rows(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """B compressed by rows (liked item j): row offsets, columns, values — the
        transpose's compressed columns. Built on first use (a second copy of the weights),
        for :meth:`scores_for`."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            b = self._bt.to_sparse_csc()
        return b.ccol_indices(), b.row_indices(), b.values()

    def scores_for(self, items: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """Filter scores of every item for one history (``items`` with ``weights``): the
        weighted sum of those items' rows of B, so the work grows with the history, not
        with every weight as :meth:`scores`' product does (one user being served)."""
        crow, cols, vals = self.by_rows
        seg, flat = segments(crow[items], crow[items + 1] - crow[items])
        out = torch.zeros(self.n_items, dtype=vals.dtype)
        return out.index_add_(0, cols[flat], vals[flat] * weights[seg].to(vals.dtype))

    def weights_into(self, item: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The items j with a weight ``B[j, item]`` and those weights (one row of the
        compressed transpose: no scan of every weight)."""
        crow = self._bt.crow_indices()
        lo, hi = int(crow[item]), int(crow[item + 1])
        return self._bt.col_indices()[lo:hi], self._bt.values()[lo:hi]

    def columns(self, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """:meth:`weights_into` for several items at once: for every weight ``B[j, i]``
        into one of ``items``, the position of ``i`` in ``items``, ``j`` and the weight."""
        if self._bt.device.type != "cpu":
            crow = self._bt.crow_indices()
            of, flat = segments(crow[items], crow[items + 1] - crow[items])
            return of, self._bt.col_indices()[flat], self._bt.values()[flat]
        crow_np, col, val = self._compressed  # numpy: each explained request calls this
        it = items.numpy()
        of_np, at = segments_np(crow_np[it], crow_np[it + 1] - crow_np[it])
        return torch.from_numpy(of_np), torch.from_numpy(col[at]), torch.from_numpy(val[at])

    @cached_property
    def _compressed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The compressed transpose's arrays as numpy views (CPU only)."""
        bt = self._bt
        return bt.crow_indices().numpy(), bt.col_indices().numpy(), bt.values().numpy()

    def state(self) -> dict[str, torch.Tensor]:
        """Tensors for a checkpoint."""
        out = {
            "index": self.index.to(torch.int32),  # half the size on disk
            "values": self.values,
            "n_items": torch.tensor(self.n_items),
        }
        if self.diag is not None and self.settings is not None:
            out["diag"] = self.diag
            out["settings"] = torch.tensor(self.settings, dtype=torch.float64)
        if self.sums is not None and self.sum_nodes is not None:
            out["sums"], out["sum_nodes"] = self.sums, self.sum_nodes
        return out

    @classmethod
    def from_state(cls, state: dict[str, torch.Tensor]) -> ItemFilter:
        """Inverse of :meth:`state`."""
        settings = state.get("settings")
        return cls(
            state["index"].long(),
            state["values"],
            int(state["n_items"]),
            state.get("diag"),
            None
            if settings is None
            else (float(settings[0]), float(settings[1]), float(settings[2])),
            state.get("sums"),
            state.get("sum_nodes"),
        )

    def with_items(
        self,
        cross: torch.Tensor,
        own: torch.Tensor,
        keep: int,
        solve: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    ) -> ItemFilter:
        r"""This filter with ``m`` items added after the ``n`` it has, without a refit.

        ``cross`` (n, m) and ``own`` (m, m) are the new items' columns of the Gram matrix
        *G* (:func:`new_item_grams`; without λ). With :math:`P = (G + \lambda I)^{-1}`
        and the new columns *C*, the bordered inverse is exact:
        :math:`S = G_{new} + \lambda I - C^\top P C`, :math:`Q = P C S^{-1}`,
        :math:`P' = \begin{pmatrix} P + Q C^\top P & -Q \\ -Q^\top & S^{-1}
        \end{pmatrix}`, and *PC* needs no *P*: :math:`P = (I - B)\,\mathrm{diag}(P)`,
        so :math:`PC = \mathrm{diag}(P)(C - B^\top C)` — one sparse product. Every
        weight kept is then :math:`B'_{ji} = -P'_{ji}/P'_{ii}` of the refit with the same
        settings and the same interactions (the new items have none yet): the new items'
        columns and rows (``keep`` largest each) and the old weights, which the new items
        shift a little. Only which small weights a refit would keep may differ.

        The shortcut for *PC* needs every weight of *B*; with ``keep`` of them per column
        it is a first guess, which ``solve(C, guess)`` (:meth:`GramOperator.solve`, the
        exact :math:`(G + \lambda I)^{-1} C`) refines.

        The attribute ``sums`` are not carried over (they would need all of *P'*): paths
        then name attributes from the kept weights until the next refit."""
        if self.diag is None or self.settings is None:
            raise ValueError("this filter was saved without diag(P): refit to add items")
        n, m = self.n_items, own.size(0)
        dtype = self.values.dtype
        cross, own = cross.to(dtype), own.to(dtype)
        lam = self.settings[0]
        pc = self.diag[:, None] * (cross - self.scores(cross.T).T)  # P C, (n, m)
        if solve is not None:
            pc = solve(cross, pc).to(dtype)
        s = own + lam * torch.eye(m, dtype=dtype) - cross.T @ pc
        s_inv = torch.linalg.inv(s)
        q = pc @ s_inv  # -P'[old, new]
        diag_old = self.diag + (q * pc).sum(1)
        diag_new = s_inv.diagonal().clone()
        # old weights: B'[j, i] = -(P[j, i] + Q[j] . PC[i]) / D'[i], P[j, i] = -B[j, i] D[i]
        j, i = self.index
        old = torch.empty_like(self.values)
        step = max(1, (1 << 24) // max(m, 1))
        for lo in range(0, len(old), step):
            jj, ii = j[lo : lo + step], i[lo : lo + step]
            p_ji = -self.values[lo : lo + step] * self.diag[ii] + (q[jj] * pc[ii]).sum(1)
            old[lo : lo + step] = -p_ji / diag_old[ii]
        # the new items' columns: old rows Q / S^-1[k,k], new rows -S^-1[l,k] / S^-1[k,k]
        cols = torch.cat([q, -s_inv], dim=0) / diag_new[None, :]
        cols[n + torch.arange(m), torch.arange(m)] = 0.0
        # the new items' rows into old columns: Q[j, k] / D'[j]
        rows = (q / diag_old[:, None]).T  # (m, n)
        col_j, col_v = _largest(cols, keep, dim=0)  # per new column k: rows j
        row_i, row_v = _largest(rows, keep, dim=1)  # per new row k: columns i
        new_k = torch.arange(m)
        index = torch.cat(
            [
                self.index,
                torch.stack([col_j.flatten(), (n + new_k).repeat(col_j.size(0))]),
                torch.stack([(n + new_k).repeat_interleave(row_i.size(1)), row_i.flatten()]),
            ],
            dim=1,
        )
        values = torch.cat([old, col_v.flatten(), row_v.flatten()])
        nonzero = values != 0
        return ItemFilter(
            index[:, nonzero],
            values[nonzero],
            n + m,
            torch.cat([diag_old, diag_new]),
            self.settings,
        )


def _largest(x: torch.Tensor, keep: int, dim: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The indices and values of the ``keep`` largest-magnitude entries of ``x`` along ``dim``."""
    k = min(keep, x.size(dim))
    idx = torch.topk(x.abs(), k, dim=dim).indices
    return idx, torch.gather(x, dim, idx)


@dataclass
class GramOperator:
    """:math:`G + \\lambda I` of one graph as products, never formed: the binary user ×
    item interactions ``x`` and attribute × item links ``a`` (sparse), the items' unit
    text embeddings ``t``, weighted as :func:`fit` weights them. Solving with it is how
    items are added online (:meth:`ItemFilter.with_items`) at the cost of a few sparse
    products, without the dense inverse a refit computes."""

    x: torch.Tensor
    a: torch.Tensor
    t: torch.Tensor
    lam: float
    alpha: float
    beta: float

    @classmethod
    def of(
        cls, gt: GraphTensors, pairs: torch.Tensor, settings: tuple[float, float, float]
    ) -> GramOperator:
        """The operator of ``gt``'s items with the (user, item) position ``pairs``."""
        n = len(gt.items)
        users = int(pairs[:, 0].max()) + 1 if len(pairs) else 0
        row, item = item_attributes(gt)
        attrs = int(row.max()) + 1 if len(row) else 0
        lam, alpha, beta = settings
        text = torch.nn.functional.normalize(gt.text[gt.items] * gt.has_text[gt.items], dim=1)
        return cls(
            _binary(pairs[:, 0], pairs[:, 1], users, n),
            _binary(row, item, attrs, n),
            text,
            lam,
            alpha,
            beta,
        )

    def columns(self, items: torch.Tensor) -> torch.Tensor:
        """The columns of G (without λ) of ``items``, (n_items, len(items))."""
        picked = torch.zeros(self.x.size(1), len(items))
        picked[items, torch.arange(len(items))] = 1.0
        return self.gram(picked)

    def gram(self, v: torch.Tensor) -> torch.Tensor:
        """:math:`G v` (no λ)."""
        out = self.x.T @ (self.x @ v)
        if self.alpha:
            out = out + self.alpha * (self.a.T @ (self.a @ v))
        if self.beta:
            out = out + self.beta * (self.t @ (self.t.T @ v))
        return out

    def diagonal(self) -> torch.Tensor:
        """diag(G + λI)."""
        ones = torch.ones(self.x.size(0))
        d = self.x.T @ ones[:, None] if self.x.size(0) else torch.zeros(self.x.size(1), 1)
        d = d[:, 0] + self.lam
        if self.alpha and self.a.size(0):
            d = d + self.alpha * (self.a.T @ torch.ones(self.a.size(0), 1))[:, 0]
        if self.beta:
            d = d + self.beta * self.t.pow(2).sum(1)
        return d

    def solve(
        self, rhs: torch.Tensor, start: torch.Tensor | None = None, tol: float = 1e-6
    ) -> torch.Tensor:
        """:math:`(G + \\lambda I)^{-1}` ``rhs`` by conjugate gradients (Jacobi-
        preconditioned, each column to a relative residual of ``tol``), from ``start``."""
        rhs = rhs.to(torch.float64)
        x = torch.zeros_like(rhs) if start is None else start.to(torch.float64)
        op = _Float64(self)
        inv_diag = 1.0 / self.diagonal().to(torch.float64)[:, None]
        r = rhs - op(x)
        z = inv_diag * r
        p = z.clone()
        rz = (r * z).sum(0)
        norm = rhs.norm(dim=0).clamp(min=1e-30)
        for _ in range(10 * max(1, int(rhs.size(0) ** 0.5))):
            if bool((r.norm(dim=0) <= tol * norm).all()):
                break
            ap = op(p)
            step = rz / (p * ap).sum(0).clamp(min=1e-300)
            x += step * p
            r -= step * ap
            z = inv_diag * r
            rz_new = (r * z).sum(0)
            p = z + (rz_new / rz.clamp(min=1e-300)) * p
            rz = rz_new
        return x


class _Float64:
    """:class:`GramOperator`'s :math:`(G + \\lambda I) v` in double precision."""

    def __init__(self, g: GramOperator) -> None:
        self.g = GramOperator(g.x.double(), g.a.double(), g.t.double(), g.lam, g.alpha, g.beta)

    def __call__(self, v: torch.Tensor) -> torch.Tensor:
        return self.g.gram(v) + self.g.lam * v


def _binary(rows: torch.Tensor, cols: torch.Tensor, n_rows: int, n_cols: int) -> torch.Tensor:
    """A sparse (CSR) matrix with ones at (rows, cols) (a one given twice is one)."""
    key = torch.unique(rows * n_cols + cols)
    index = (
        torch.stack([key // n_cols, key % n_cols])
        if len(key)
        else torch.zeros(2, 0, dtype=torch.long)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_coo_tensor(
            index, torch.ones(index.size(1)), (n_rows, n_cols)
        ).coalesce()


def item_attributes(gt: GraphTensors) -> tuple[torch.Tensor, torch.Tensor]:
    """(attribute row, item position) of every item–attribute link in ``gt``.

    An attribute is any non-user, non-item neighbour of an item (genre, person, theme,
    KG entity, …); users' links to attributes are not item knowledge and are left out.
    """
    _, row, item = item_attribute_links(gt)
    return row, item


def item_attribute_links(gt: GraphTensors) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`item_attributes` with the attribute nodes: (node of each row, row, item)."""
    n_items = len(gt.items)
    item_pos = torch.full((gt.num_nodes,), -1, dtype=torch.long)
    item_pos[gt.items] = torch.arange(n_items)
    is_user = torch.zeros(gt.num_nodes, dtype=torch.bool)
    is_user[gt.users] = True
    src, dst = gt.edge_index
    link = (item_pos[src] >= 0) & (item_pos[dst] < 0) & ~is_user[dst]
    nodes, row = torch.unique(dst[link], return_inverse=True)
    return nodes, row, item_pos[src[link]]


def _dense_gram(rows: torch.Tensor, cols: torch.Tensor, n_rows: int, n_items: int) -> torch.Tensor:
    """``M^T M`` for the binary matrix M with ones at (rows, cols), a chunk of rows at a
    time: each chunk's sparse transpose times its dense rows, so the work grows with the
    ones in M times the items, not with the rows times the items squared."""
    gram = torch.zeros(n_items, n_items)
    chunk = max(1, min(8192, _CHUNK_FLOATS // max(n_items, 1)))
    key = torch.unique(rows * n_items + cols)  # sorted by row; a one given twice is one
    rows, cols = key // n_items, key % n_items
    bounds = torch.searchsorted(rows, torch.arange(0, n_rows + chunk, chunk))
    for k in range(len(bounds) - 1):
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        if lo == hi:
            continue
        r, c = rows[lo:hi] - k * chunk, cols[lo:hi]
        ones = torch.ones(hi - lo)
        sparse_t = torch.sparse_coo_tensor(
            torch.stack([c, r]), ones, (n_items, chunk), check_invariants=False
        )
        dense = torch.zeros(chunk, n_items)
        dense[r, c] = 1.0
        gram.addmm_(sparse_t.coalesce(), dense)
    return gram


@dataclass(frozen=True)
class FilterGrams:
    """The three Gram matrices of one training graph, summed per setting by :func:`fit`,
    and the item rows of the attributes that get exact sums (``ItemFilter.sums``)."""

    interactions: torch.Tensor
    attributes: torch.Tensor
    text: torch.Tensor
    summed: torch.Tensor = field(default_factory=lambda: torch.zeros(0, 0))  # (k, n_items)
    summed_nodes: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.long))

    @classmethod
    def of(cls, gt: GraphTensors, train_pairs: np.ndarray) -> FilterGrams:
        """Gram matrices of ``gt``'s items for the (user, item) positions ``train_pairs``."""
        n_items = len(gt.items)
        pairs = torch.as_tensor(train_pairs, dtype=torch.long)
        n_users = int(pairs[:, 0].max()) + 1 if len(pairs) else 0
        inter = _dense_gram(pairs[:, 0], pairs[:, 1], n_users, n_items)
        nodes, row, col = item_attribute_links(gt)
        attrs = _dense_gram(row, col, len(nodes), n_items)
        text = torch.nn.functional.normalize(gt.text[gt.items] * gt.has_text[gt.items], dim=1)
        large = (torch.bincount(row, minlength=len(nodes)) >= SUMMED_ATTRIBUTE_ITEMS).nonzero()
        large = large.flatten()
        summed = torch.zeros(len(large), n_items)
        at = torch.full((len(nodes),), -1, dtype=torch.long)
        at[large] = torch.arange(len(large))
        mine = at[row] >= 0
        summed[at[row[mine]], col[mine]] = 1.0
        return cls(inter, attrs, text @ text.T, summed, nodes[large])

    @classmethod
    def interactions_only(cls, train_pairs: np.ndarray, n_users: int, n_items: int) -> FilterGrams:
        """Co-interactions alone (no attributes, no text): what EASE is fitted on."""
        pairs = torch.as_tensor(train_pairs, dtype=torch.long).reshape(-1, 2)
        none = torch.zeros(0)
        return cls(_dense_gram(pairs[:, 0], pairs[:, 1], n_users, n_items), none, none)

    def to(self, device: torch.device | str) -> FilterGrams:
        """The same matrices on ``device``: :func:`fit` then inverts there (a GPU turns
        minutes per setting into a second at 20k items)."""
        return FilterGrams(
            self.interactions.to(device),
            self.attributes.to(device),
            self.text.to(device),
            self.summed.to(device),
            self.summed_nodes,
        )


def inverse(grams: FilterGrams, lam: float, alpha: float, beta: float) -> torch.Tensor:
    r""":math:`P = (G + \lambda I)^{-1}` for the settings, dense, on ``grams``' device."""
    gram = grams.interactions.clone()
    if alpha:
        gram.add_(grams.attributes, alpha=alpha)
    if beta:
        gram.add_(grams.text, alpha=beta)
    gram.diagonal().add_(lam)
    # G + λI is symmetric positive definite: Cholesky inverts it in about half LU's time
    return torch.cholesky_inverse(torch.linalg.cholesky(gram))


def fit(grams: FilterGrams, lam: float, alpha: float, beta: float, keep: int) -> ItemFilter:
    """The filter for L2 weight ``lam``, attribute weight ``alpha`` and text weight ``beta``,
    computed on ``grams``' device and returned on the CPU."""
    p = inverse(grams, lam, alpha, beta)
    diag = p.diagonal().clone()
    sums = grams.summed @ p if len(grams.summed) else None
    b = p.div_(-p.diagonal()[None, :])
    b.fill_diagonal_(0.0)
    n = b.size(0)
    k = min(keep, max(n - 1, 1))
    top = torch.topk(b.abs(), k, dim=0).indices  # (k, n): the rows j kept in each column i
    values = torch.gather(b, 0, top)
    keep_mask = values != 0
    columns = torch.arange(n, device=b.device).expand(k, n)
    index = torch.stack([top[keep_mask], columns[keep_mask]])
    return ItemFilter(
        index.cpu(),
        values[keep_mask].cpu(),
        n,
        diag.cpu(),
        (float(lam), float(alpha), float(beta)),
        None if sums is None else sums.cpu(),
        None if sums is None else grams.summed_nodes,
    )


@dataclass
class FilterChoice:
    """The item filter chosen on the validation split, its settings and every setting
    tried on the way (the filter is None where the model has none)."""

    filter: ItemFilter | None
    lam: float = 0.0
    alpha: float = 0.0
    beta: float = 0.0
    tried: list[dict[str, float]] = field(default_factory=list)
    #: recency half-life of users' histories (interactions); None = static
    half_life: float | None = None
    #: weight of what users said they like or dislike (``kgrec.models.scorer``)
    said_weight: float = 1.0

    @property
    def choice(self) -> dict[str, Any]:
        """The settings, for metrics.json and the checkpoint (empty without a filter)."""
        if self.filter is None:
            return {}
        return {
            "lambda": self.lam,
            "alpha": self.alpha,
            "beta": self.beta,
            "half_life": self.half_life,
            "said_weight": self.said_weight,
            "tried": self.tried,
        }


def choose(
    grams: FilterGrams,
    liked: Histories,
    validate: Validate,
    grids: tuple[Sequence[float], Sequence[float], Sequence[float]],
    keep: int,
    on_fit: Callable[[], None] | None = None,
) -> FilterChoice:
    """Pick (λ, α, β) by ``validate`` (validation NDCG@10), one coordinate at a time.

    ``grids`` are the λ, α and β values tried; the search starts from the middle value
    of each and sweeps λ, then α, then β, keeping the best so far. ``liked`` is the
    users' training histories. A grid of one value fixes that setting (``[0.0]``
    for α leaves attributes out, for β text). Only the best filter so far is kept in
    memory (each is items × ``keep`` weights).
    """
    point = tuple(float(g[len(g) // 2]) for g in grids)
    seen: dict[tuple[float, ...], float] = {}
    filters: dict[tuple[float, ...], ItemFilter] = {}
    for axis, grid in enumerate(grids):
        best: tuple[float, ...] | None = None
        for v in grid:
            setting = (*point[:axis], float(v), *point[axis + 1 :])
            if setting not in seen:
                f = fit(grams, setting[0], setting[1], setting[2], keep)
                seen[setting], filters[setting] = validate(_scores(f, liked)), f
                if on_fit is not None:
                    on_fit()
            if best is None or seen[setting] > seen[best]:
                best = setting
            filters = {k: f for k, f in filters.items() if k in (best, point)}
        assert best is not None, "empty grid"
        point = best
    lam, alpha, beta = point
    tried = [
        {"lambda": k[0], "alpha": k[1], "beta": k[2], "valid_ndcg@10": v} for k, v in seen.items()
    ]
    return FilterChoice(filters[point], lam, alpha, beta, tried)


def _scores(f: ItemFilter, liked: Histories) -> ScoreFn:
    return lambda batch: f.scores(liked.rows(batch))


def search_size(grids: tuple[Sequence[float], Sequence[float], Sequence[float]]) -> int:
    """How many fits :func:`choose` makes at most."""
    return sum(len(g) for g in grids) - (len(grids) - 1)
