"""Property-based tests: malformed input files get a DataError that names the file, row
and column, or are valid data and load literally; nothing crashes.

Every run prints how many cases hypothesis generated (``-s`` shows it); docs/reliability.md
has the figures."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kgrec.config import DataConfig, PipelineConfig
from kgrec.data import load_files
from kgrec.data.movielens import load_movielens
from kgrec.errors import DataError, KGRecError
from kgrec.pipeline import Pipeline
from kgrec.store import open_store

pytestmark = pytest.mark.reliability

#: Values that have broken loaders before or could: empty, whitespace, NaN spellings,
#: numbers in odd forms, Cypher and JSON look-alikes, control and bidi characters.
NASTY = [
    "",
    " ",
    "\t",
    "NaN",
    "nan",
    "NULL",
    "None",
    "-1",
    "0",
    "1e309",
    "-0.0",
    "0x1F",
    "five",
    "3.5",
    "1,000",
    "x'}) DETACH DELETE n //",
    '") MATCH (n) DETACH DELETE n //',
    "$rows",
    "{id: 1}",
    '{"a": 1}',
    "\\",
    "\x00",
    "\x07bell",
    "\u202eevil",
    "a\nb",
    "a\r\nb",
    'q"uote',
    "Item:m001",
    "名前",
    "🙂",
]
CELL = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=12),
    st.integers(-(10**12), 10**12).map(str),
    st.floats().map(str),
)
TEXT = st.one_of(CELL, st.just("x" * 100_000), st.text(min_size=200, max_size=2_000))
POOL = ["a", "b", "c", " d ", "Item:m001", "名前", "x'}) DETACH DELETE n //", "42", "NaN"]
IDS = st.one_of(st.sampled_from(POOL), st.sampled_from(POOL), st.sampled_from(POOL), CELL)
NUMBER = st.one_of(st.integers(0, 2_000_000_000).map(str), st.integers(1900, 2030).map(str), CELL)

COLUMNS = {
    "interactions": {"user_id": IDS, "item_id": IDS, "rating": NUMBER, "timestamp": NUMBER},
    "items": {"item_id": IDS, "title": TEXT, "text": TEXT, "year": NUMBER, "genres": CELL},
    "users": {"user_id": IDS, "text": TEXT},
}
REQUIRED = {"interactions": ["user_id", "item_id"], "items": ["item_id"], "users": ["user_id"]}


@dataclass
class Cases:
    ran: int = 0
    valid: int = 0
    pipeline: int = 0
    movielens: int = 0
    errors: dict[str, int] = field(default_factory=dict)


SEEN = Cases()


@st.composite
def table(draw: st.DrawFn, part: str) -> pd.DataFrame:
    """A table for ``part``: its columns (a required one now and then missing, an extra
    one now and then) and 0–6 rows of drawn cells."""
    cols = [c for c in COLUMNS[part] if c in REQUIRED[part] or draw(st.booleans())]
    if draw(st.integers(0, 9)) == 0:
        cols.remove(draw(st.sampled_from(REQUIRED[part])))
    if draw(st.booleans()):
        cols.append("extra column")
    n = draw(st.integers(0, 6))
    return pd.DataFrame(
        {c: [draw(COLUMNS[part].get(c, CELL)) for _ in range(n)] for c in cols}, dtype=object
    )


def _csv_bytes(frame: pd.DataFrame, bad_byte_at: int | None) -> bytes:
    out = io.StringIO()
    # every field quoted: a bare "\r" in an unquoted field is a line break to any CSV reader
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False))
    data = out.getvalue().encode("utf-8")
    if bad_byte_at is None:
        return data
    at = bad_byte_at % (len(data) + 1)
    return data[:at] + b"\xff\xfe" + data[at:]


@pytest.mark.slow
@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    inter=table("interactions"),
    items=table("items"),
    users=st.none() | table("users"),
    corrupt=st.integers(0, 5),
    bad_byte=st.integers(0, 10_000),
    bad_file=st.sampled_from(["interactions", "items", "users"]),
)
def test_generated_files_load_literally_or_fail_naming_file_row_and_column(
    tmp_path_factory: pytest.TempPathFactory,
    inter: pd.DataFrame,
    items: pd.DataFrame,
    users: pd.DataFrame | None,
    corrupt: int,
    bad_byte: int,
    bad_file: str,
) -> None:
    folder = tmp_path_factory.mktemp("files")
    frames = {"interactions": inter, "items": items, "users": users}
    paths: dict[str, Path] = {}
    for part, frame in frames.items():
        if frame is None:
            continue
        paths[part] = folder / f"{part}.csv"
        paths[part].write_bytes(
            _csv_bytes(frame, bad_byte if part == bad_file and not corrupt else None)
        )
    SEEN.ran += 1
    try:
        ds = load_files(paths["interactions"], paths["items"], paths.get("users"))
    except DataError as exc:
        message = str(exc).split(": ", 1)[-1].split(" (")[0]
        kind = re.sub(r"'[^']*'|\"[^\"]*\"", "…", message).split(":")[0]
        SEEN.errors[kind] = SEEN.errors.get(kind, 0) + 1
        assert exc.file in {str(p) for p in paths.values()}, exc
        assert exc.row is not None and exc.row >= 1, exc
        assert exc.column is not None, exc
        assert exc.file in str(exc) and f"row {exc.row}" in str(exc)
        return
    except KGRecError as exc:  # any other kgrec error is a finding too: it must say where
        pytest.fail(f"not a DataError: {exc!r}")
    # valid data: every item and its texts as written (ids without surrounding spaces)
    written = items.assign(item_id=items["item_id"].str.strip()).set_index("item_id")
    assert list(ds.items["item_id"]) == list(written.index)
    for col in ("title", "text"):
        if col in written.columns:
            got = ds.items.set_index("item_id")[col]
            want = written[col].where(written[col] != "", "")
            assert list(got) == list(want), col
    pairs = set(zip(inter["user_id"].str.strip(), inter["item_id"].str.strip(), strict=True))
    assert set(zip(ds.interactions["user_id"], ds.interactions["item_id"], strict=True)) == pairs


NAME = st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t and t != "")


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    item_ids=st.lists(
        st.one_of(st.sampled_from(POOL[:-1]), NAME), min_size=1, max_size=8, unique_by=str.strip
    ),
    texts=st.lists(TEXT, min_size=8, max_size=8),
    data=st.data(),
)
def test_valid_files_with_nasty_values_load_literally(
    tmp_path_factory: pytest.TempPathFactory,
    item_ids: list[str],
    texts: list[str],
    data: st.DataObject,
) -> None:
    """Ids that look like Cypher, JSON or NaN, control characters and enormous texts are
    data: they load as written."""
    item_ids = [i.strip() for i in item_ids if i.strip()]
    items = pd.DataFrame(
        {"item_id": item_ids, "title": texts[: len(item_ids)], "text": texts[-len(item_ids) :]}
    )
    users = data.draw(st.lists(st.one_of(st.sampled_from(POOL[:-1]), NAME), min_size=1, max_size=4))
    users = [u.strip() for u in users if u.strip()] or ["u"]
    rows = data.draw(
        st.lists(
            st.tuples(st.sampled_from(users), st.sampled_from(item_ids)), min_size=1, max_size=12
        )
    )
    inter = pd.DataFrame(rows, columns=["user_id", "item_id"])
    folder = tmp_path_factory.mktemp("valid")
    (folder / "i.csv").write_bytes(_csv_bytes(inter, None))
    (folder / "t.csv").write_bytes(_csv_bytes(items, None))
    SEEN.valid += 1
    ds = load_files(folder / "i.csv", folder / "t.csv")
    assert list(ds.items["item_id"]) == item_ids
    assert list(ds.items["title"]) == list(items["title"])
    assert list(ds.items["text"]) == list(items["text"])
    assert set(zip(ds.interactions["user_id"], ds.interactions["item_id"], strict=True)) == set(
        rows
    )


ML_COLUMNS = {
    "ratings.csv": {"userId": IDS, "movieId": IDS, "rating": NUMBER, "timestamp": NUMBER},
    "movies.csv": {"movieId": IDS, "title": TEXT, "genres": CELL},
    "tags.csv": {"userId": IDS, "movieId": IDS, "tag": TEXT},
}


@st.composite
def ml_table(draw: st.DrawFn, name: str) -> pd.DataFrame:
    """A MovieLens (ml-latest layout) file: its columns, one now and then missing."""
    cols = list(ML_COLUMNS[name])
    if draw(st.integers(0, 9)) == 0:
        cols.remove(draw(st.sampled_from(cols)))
    n = draw(st.integers(0, 6))
    return pd.DataFrame(
        {c: [draw(ML_COLUMNS[name][c]) for _ in range(n)] for c in cols}, dtype=object
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ratings=ml_table("ratings.csv"),
    movies=ml_table("movies.csv"),
    tags=st.none() | ml_table("tags.csv"),
    corrupt=st.integers(0, 5),
    bad_byte=st.integers(0, 10_000),
    bad_file=st.sampled_from(list(ML_COLUMNS)),
)
def test_generated_movielens_folders_load_or_fail_naming_file_row_and_column(
    tmp_path_factory: pytest.TempPathFactory,
    ratings: pd.DataFrame,
    movies: pd.DataFrame,
    tags: pd.DataFrame | None,
    corrupt: int,
    bad_byte: int,
    bad_file: str,
) -> None:
    """The MovieLens loader (its own reader) under the same kinds of bad files."""
    folder = tmp_path_factory.mktemp("ml")
    for name, frame in (("ratings.csv", ratings), ("movies.csv", movies), ("tags.csv", tags)):
        if frame is not None:
            spoil = bad_byte if name == bad_file and not corrupt else None
            (folder / name).write_bytes(_csv_bytes(frame, spoil))
    SEEN.movielens += 1
    try:
        ds = load_movielens(folder)
    except DataError as exc:
        assert exc.file is not None and Path(exc.file).parent == folder, exc
        assert exc.row is not None and exc.column is not None, exc
        return
    assert len(ds.interactions) == len(
        set(
            zip(
                ratings["userId"].astype(str).str.strip(),
                ratings["movieId"].astype(str).str.strip(),
                strict=True,
            )
        )
    )


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> PipelineConfig:
    """A small CSV pipeline run through its store stage (the embedded store)."""
    folder = tmp_path_factory.mktemp("stored")
    films = ["Heat", "Ronin", "Thief", "Collateral", "Manhunter", "Sicario"]
    items = pd.DataFrame(
        {
            "item_id": [f"m{k}" for k in range(len(films))],
            "title": films,
            "text": [f"A crime film set in Los Angeles about a heist, like {f}." for f in films],
        }
    )
    inter = pd.DataFrame(
        [(f"u{u}", f"m{(u + k) % len(films)}") for u in range(5) for k in range(3)],
        columns=["user_id", "item_id"],
    )
    (folder / "interactions.csv").write_bytes(_csv_bytes(inter, None))
    (folder / "items.csv").write_bytes(_csv_bytes(items, None))
    config = PipelineConfig(
        name="bad-input",
        work_dir=folder / "work",
        data=DataConfig(
            source="csv", interactions=folder / "interactions.csv", items=folder / "items.csv"
        ),
    )
    Pipeline(config).run(until="store")
    return config


def _snapshot(config: PipelineConfig) -> tuple[object, ...]:
    """What the store holds and what the finished stages left in the work dir."""
    with open_store(config.store, config.resolved_work_dir(), read_only=True) as store:
        kg = store.read()
    work = config.resolved_work_dir()
    files = {
        str(p.relative_to(work)): p.read_bytes()
        for p in sorted(work.rglob("*"))
        if p.is_file() and p.suffix in (".parquet", ".json") and "cache" not in p.parts
    }
    # sorted and re-indexed: the engine may return rows in any order
    nodes = kg.nodes.sort_values("node_id", ignore_index=True).to_json()
    edges = kg.edges.sort_values(["src", "rel", "dst"], ignore_index=True).to_json()
    return nodes, edges, files


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inter=table("interactions"), items=table("items"), corrupt=st.integers(0, 3))
def test_a_pipeline_given_bad_files_writes_nothing(
    stored: PipelineConfig,
    tmp_path_factory: pytest.TempPathFactory,
    inter: pd.DataFrame,
    items: pd.DataFrame,
    corrupt: int,
) -> None:
    """Re-run on bad files, the pipeline stops at the data stage with a DataError; the
    stored graph, the stages' outputs and the manifest stay as they were."""
    folder = tmp_path_factory.mktemp("bad")
    (folder / "i.csv").write_bytes(_csv_bytes(inter, 7 if not corrupt else None))
    (folder / "t.csv").write_bytes(_csv_bytes(items, None))
    try:  # valid files would be a new data set, not this test's case
        load_files(folder / "i.csv", folder / "t.csv")
        assume(False)
    except DataError:
        pass
    config = stored.model_copy(
        update={
            "data": stored.data.model_copy(
                update={"interactions": folder / "i.csv", "items": folder / "t.csv"}
            )
        }
    )
    before = _snapshot(stored)
    SEEN.pipeline += 1
    with pytest.raises(DataError) as info:
        Pipeline(config).run()
    assert info.value.file in {str(folder / "i.csv"), str(folder / "t.csv")}
    assert _snapshot(stored) == before


def test_report_generated_cases() -> None:
    """Runs after the property above (file order): prints what it tried."""
    print(
        f"\nbad-input cases generated: {SEEN.ran}; loaded as valid data: "
        f"{SEEN.ran - sum(SEEN.errors.values())}; errors by kind: {SEEN.errors}; "
        f"valid files with nasty values: {SEEN.valid}; MovieLens folders: {SEEN.movielens}; "
        f"bad files given to a pipeline that had stored a graph: {SEEN.pipeline}"
    )
    assert (
        SEEN.ran >= 100 and SEEN.valid >= 100
    ) or SEEN.ran == 0  # 0: the property test was deselected
