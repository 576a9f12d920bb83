r"""The kgrec fusion GNN: relation-weighted linear propagation over text-fused node inputs.

**Inputs.** Every node *v* (user, item or attribute) starts from a learned ID embedding
plus, where *v* has text (an item's description, a user's own words, an attribute's
name), a learned projection of its BERT embedding *t_v*:

.. math::  e_v^{(0)} = E_v + m_v\,P\,t_v, \qquad m_v \in \{0, 1\}

**Propagation.** A weighted, symmetrically normalised adjacency over all relationships
(both directions), where each relationship type *r* has a learned positive weight
:math:`\beta_r = \mathrm{softplus}(\theta_r)/\mathrm{softplus}(0)`:

.. math::  n_{uv} = \frac{\beta_{r(u,v)}}{\sqrt{d_u d_v}}, \quad d_u = \sum_v \beta_{r(u,v)},
           \qquad e_u^{(l)} = \sum_{v \in N(u)} n_{uv}\, e_v^{(l-1)}

with PyG's ``LGConv`` (LightGCN's layer: no weights, no non-linearity). The final
embedding averages the layers, :math:`e_v = \sum_{l=0}^{L} \alpha\, e_v^{(l)}`,
:math:`\alpha = 1/(L+1)`, and a user's score for an item is :math:`s(u,i)=e_u \cdot e_i`,
or with a ``temperature`` τ their cosine over τ,
:math:`s(u,i) = e_u \cdot e_i / (\lVert e_u \rVert \lVert e_i \rVert \tau)`
(``Propagated.readout``). The cosine keeps the decomposition below exact: the user's and
the item's norms are one number each for a given pair.

**Why linear.** Because propagation is linear, the score decomposes *exactly* over the
graph. With :math:`g_v = \sum_{l=1}^{L} \alpha\, e_v^{(l-1)}` (what *v* sends):

.. math::  e_u = \alpha e_u^{(0)} + \sum_{v \in N(u)} n_{uv}\, g_v

so :math:`s(u,i)` is a sum of terms :math:`n_{uv} n_{iw}\, g_v \cdot g_w` over neighbour
pairs, plus ego terms; a term whose *v* and *w* are the same node or are linked is the
score carried by the graph path u–v(–w)–i. ``kgrec.reasoning`` uses exactly these
terms as path scores, so explanations account for the model's score.

**The whole score.** kgrec adds a second, closed-form part: the knowledge-aware item
filter :math:`B` of ``kgrec.models.item_filter`` (ridge regression of each item on the
other items over co-interactions, shared attributes and text similarity):

.. math::  s(u, i) = c \sum_{j \in I_u} B_{ji} \; + \; w\, e_u \cdot e_i

with :math:`c` = ``filter_scale``. Its settings :math:`(\lambda, \alpha, \beta)` are chosen
on the valid split first; the GNN is then trained on its own and blended in with the
weight :math:`w` of ``gnn_weights`` that scores best on valid NDCG@10 (:math:`w = 0`: the
filter alone). (``combine = "residual"`` trains the GNN on the filter's residual instead:
the filter is fitted on the same pairs, so it leaves the GNN little to learn there that
holds out of sample.) Both parts are sums over graph paths, so explanations stay exact
(``kgrec.reasoning``).

**Training.** A sampled softmax (each positive against ``negatives`` items shared by the
batch) or BPR, with L2 on the batch's input embeddings, early-stopped on valid (see
``kgrec.models.train`` and ``kgrec.models.fit``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from kgrec.graph.export import GraphTensors
from kgrec.models.neighbors import Block

_SOFTPLUS0 = math.log(2.0)


@dataclass
class Propagated:
    """The result of one forward propagation."""

    final: torch.Tensor  # e_v, (N, dim)
    sent: torch.Tensor  # g_v, (N, dim)
    ego: torch.Tensor  # e_v^(0), (N, dim)
    norm: torch.Tensor  # n_uv per edge, (E,)
    #: the model's score temperature (None: dot products of ``final``)
    temperature: float | None = None

    def scale(self, x: torch.Tensor) -> torch.Tensor:
        r"""Per row of final embeddings ``x``, the factor :meth:`readout` multiplies it
        by: :math:`1 / (\lVert x \rVert \sqrt{\tau})`, or 1 without a temperature."""
        if self.temperature is None:
            return torch.ones(x.shape[:-1], dtype=x.dtype, device=x.device)
        length: torch.Tensor = x.norm(dim=-1).clamp(min=1e-12)
        return (length * math.sqrt(self.temperature)).reciprocal()

    def readout(self, x: torch.Tensor) -> torch.Tensor:
        r"""What scores multiply: final embeddings ``x`` as they are, or with a
        temperature their unit vectors over :math:`\sqrt{\tau}` (so a score is a cosine
        over τ)."""
        return x if self.temperature is None else x * self.scale(x)[..., None]


class FusionGNN(nn.Module):
    """See the module docstring for the model and its maths."""

    def __init__(
        self,
        num_nodes: int,
        num_relations: int,
        text_dim: int,
        dim: int = 64,
        layers: int = 2,
        use_text: bool = True,
        temperature: float | None = None,
    ) -> None:
        super().__init__()
        self.num_layers = layers
        self.temperature = temperature
        self.id_emb = nn.Embedding(num_nodes, dim)
        nn.init.normal_(self.id_emb.weight, std=0.1)
        self.text_proj = nn.Linear(text_dim, dim, bias=False) if use_text else None
        self.rel_logit = nn.Parameter(torch.zeros(num_relations))
        # PyG's LGConv (no parameters), made on the first propagation: a model loaded to
        # serve from saved embeddings never imports PyG (kgrec's start-up, issue 15)
        self._conv: nn.Module | None = None

    def ego(
        self, text: torch.Tensor, has_text: torch.Tensor, nodes: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Input embeddings e^(0): ID embedding plus projected text where there is text
        (of every node, or of ``nodes`` only)."""
        if nodes is None:
            x = self.id_emb.weight
        else:
            x, text, has_text = self.id_emb(nodes), text[nodes], has_text[nodes]
        if self.text_proj is not None:
            x = x + has_text * self.text_proj(text)
        return x

    def ego_of_text(self, text: torch.Tensor | None) -> torch.Tensor:
        """The input embedding of a node the model has no ID for (a user known by their
        words or feedback only): its projected ``text``, else zeros."""
        if text is None or self.text_proj is None:
            return torch.zeros(self.id_emb.embedding_dim)
        out: torch.Tensor = self.text_proj(text)
        return out

    def relation_weights(self) -> torch.Tensor:
        """beta_r, one positive weight per relation type (1.0 at initialisation)."""
        return nn.functional.softplus(self.rel_logit) / _SOFTPLUS0

    def degrees(
        self, edge_index: torch.Tensor, edge_type: torch.Tensor, num_nodes: int
    ) -> torch.Tensor:
        """d_u for every node: the sum of its edges' relation weights."""
        w = self.relation_weights()[edge_type]
        # a scatter-sum (what PyG's ``scatter(..., reduce="sum")`` computes, bit for bit on
        # the CPU), kept free of PyG for the same reason as ``_conv``
        return torch.zeros(num_nodes, dtype=w.dtype, device=w.device).index_add(0, edge_index[0], w)

    def edge_norm(
        self, edge_index: torch.Tensor, edge_type: torch.Tensor, num_nodes: int
    ) -> torch.Tensor:
        """n_uv for every edge: relation weight over sqrt of both weighted degrees."""
        w = self.relation_weights()[edge_type]
        deg = self.degrees(edge_index, edge_type, num_nodes)
        inv = deg.clamp(min=1e-12).pow(-0.5)
        norm: torch.Tensor = inv[edge_index[0]] * w * inv[edge_index[1]]
        return norm

    def propagate(
        self,
        edge_index: torch.Tensor,
        edge_type: torch.Tensor,
        text: torch.Tensor,
        has_text: torch.Tensor,
    ) -> Propagated:
        """Run L layers; return final embeddings, what each node sends, and the edge norms."""
        ego = self.ego(text, has_text)
        return self._layers(ego, edge_index, self.edge_norm(edge_index, edge_type, ego.size(0)))

    def propagate_block(
        self,
        block: Block,
        edge_index: torch.Tensor,
        edge_type: torch.Tensor,
        text: torch.Tensor,
        has_text: torch.Tensor,
    ) -> Propagated:
        """:meth:`propagate` over a sampled subgraph (``kgrec.models.neighbors``): rows are
        ``block.nodes``; edge norms come from the whole graph's degrees, scaled by the
        sampling weights."""
        norm = self.edge_norm(edge_index, edge_type, text.size(0))[block.edge_id] * block.scale
        return self._layers(self.ego(text, has_text, block.nodes), block.edge_index, norm)

    def conv(self) -> nn.Module:
        """PyG's ``LGConv`` (LightGCN's layer, weights given per edge)."""
        if self._conv is None:
            from torch_geometric.nn import LGConv

            self._conv = LGConv(normalize=False)
        return self._conv

    def _layers(
        self, ego: torch.Tensor, edge_index: torch.Tensor, norm: torch.Tensor
    ) -> Propagated:
        alpha = 1.0 / (self.num_layers + 1)
        layer = ego
        final = alpha * ego
        sent = torch.zeros_like(ego)
        # Messages flow edge_index[0] -> edge_index[1]; the whole graph holds both
        # directions of every edge, a sampled block the direction its targets need.
        for _ in range(self.num_layers):
            sent = sent + alpha * layer
            layer = self.conv()(layer, edge_index, norm)
            final = final + alpha * layer
        return Propagated(final, sent, ego, norm, self.temperature)


def graph_inputs(
    gt: GraphTensors, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """``gt``'s edges, edge types, node texts and text marks on ``device``: the inputs of
    :meth:`FusionGNN.propagate`."""
    return (
        gt.edge_index.to(device),
        gt.edge_type.to(device),
        gt.text.to(device),
        gt.has_text.to(device),
    )


def propagate(model: FusionGNN, gt: GraphTensors, device: torch.device) -> Propagated:
    """One propagation of ``model`` over ``gt`` on ``device``."""
    return model.propagate(*graph_inputs(gt, device))


@torch.inference_mode()
def extend_propagated(model: FusionGNN, prop: Propagated, gt: GraphTensors) -> Propagated:
    """``prop`` (a propagation over a graph that ``gt`` extends: the same nodes first, the
    same edges first in each direction) with rows for ``gt``'s new nodes and norms for its
    new edges, without propagating again (items and attributes added online).

    A new node has no ID embedding: its input is its projected text (zeros without).
    What it sends is its input's and its first layer's part, :math:`g_v = \\alpha(e_v^{(0)}
    + \\sum_w n_{vw} e_w^{(0)})` (exact for two layers; deeper layers wait for a refit),
    its final embedding :math:`\\alpha e_v^{(0)} + \\sum_w n_{vw} g_w`. A node the graph
    had keeps its inputs and what it sends; its final embedding gains the new edges'
    terms, so it stays the sum over its edges the explanations show. The new edges' norms
    use the degrees with them; the old edges keep theirs."""
    n_old, n_new = prop.ego.size(0), gt.num_nodes
    half_old, half_new = prop.norm.numel() // 2, gt.edge_index.size(1) // 2
    added = torch.arange(half_old, half_new)
    src, dst = gt.edge_index[0, added], gt.edge_index[1, added]
    beta = model.relation_weights().detach()[gt.edge_type[added]]
    deg = model.degrees(gt.edge_index, gt.edge_type, n_new).detach()
    norm_add = beta * (deg[src] * deg[dst]).clamp(min=1e-12).rsqrt()
    fresh = torch.arange(n_old, n_new)
    ego_new = (
        model.text_proj(gt.text[fresh]) * gt.has_text[fresh]
        if model.text_proj is not None
        else torch.zeros(len(fresh), prop.ego.size(1))
    )
    ego = torch.cat([prop.ego, ego_new])
    # both directions of the added edges, as (to, from, norm)
    to, frm, nrm = torch.cat([dst, src]), torch.cat([src, dst]), torch.cat([norm_add, norm_add])
    into_new = to >= n_old
    alpha = 1.0 / (model.num_layers + 1)
    sent = torch.cat([prop.sent, alpha * ego_new])
    if model.num_layers >= 2:
        first = torch.zeros_like(ego).index_add_(
            0, to[into_new], nrm[into_new, None] * ego[frm[into_new]]
        )
        sent[fresh] += alpha * first[fresh]
    final = torch.cat([prop.final, alpha * ego_new])
    final.index_add_(0, to, nrm[:, None] * sent[frm])
    norm = torch.cat([prop.norm[:half_old], norm_add, prop.norm[half_old:], norm_add])
    return Propagated(final, sent, ego, norm, prop.temperature)
