from pathlib import Path

import pandas as pd
import pytest

from kgrec.config import SplitConfig
from kgrec.data import load_files, load_sample, split_interactions
from kgrec.errors import ConfigError, DataError, DataWarning


def _write(tmp_path: Path, inter: str, items: str) -> tuple[Path, Path]:
    (tmp_path / "i.csv").write_text(inter)
    (tmp_path / "items.csv").write_text(items)
    return tmp_path / "i.csv", tmp_path / "items.csv"


def test_sample_loads_with_text_and_users() -> None:
    ds = load_sample()
    assert len(ds.items) == 320 and len(ds.users) == 90
    assert ds.items["text"].str.len().min() > 20
    assert (ds.users["text"] != "").sum() >= 30
    assert ds.interactions["user_id"].isin(ds.users["user_id"]).all()


def test_missing_column_names_the_file(tmp_path: Path) -> None:
    inter, items = _write(tmp_path, "user,item_id\n1,a\n", "item_id\na\n")
    with pytest.raises(DataError, match=r"i\.csv.*'user_id'"):
        load_files(inter, items)


def test_bad_value_names_file_row_and_column(tmp_path: Path) -> None:
    inter, items = _write(tmp_path, "user_id,item_id,rating\n1,a,5\n2,a,five\n", "item_id\na\n")
    with pytest.raises(DataError) as info:
        load_files(inter, items)
    assert (info.value.file, info.value.row, info.value.column) == (str(inter), 3, "rating")


def test_unknown_item_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    inter, items = _write(tmp_path, "user_id,item_id\n1,zzz\n", "item_id\na\n")
    with pytest.raises(DataError, match="'zzz' is not in the items file"):
        load_files(inter, items)
    inter, items = _write(tmp_path, "user_id,item_id\n1,a\n", "item_id\na\na\n")
    with pytest.raises(DataError, match="duplicate item_id"):
        load_files(inter, items)


def test_random_split_is_disjoint_seeded_and_80_10_10() -> None:
    inter = load_sample().interactions
    a = split_interactions(inter, SplitConfig())
    b = split_interactions(inter, SplitConfig())
    assert a.test.equals(b.test)
    parts = pd.concat([a.train.assign(p=0), a.valid.assign(p=1), a.test.assign(p=2)])
    assert len(parts) == len(inter)
    assert not parts.duplicated(["user_id", "item_id"]).any()
    assert 0.07 < len(a.test) / len(inter) < 0.13
    assert set(a.test["user_id"]) == set(inter["user_id"])


def test_temporal_split_holds_out_the_latest() -> None:
    inter = load_sample().interactions
    s = split_interactions(inter, SplitConfig(method="temporal"))
    last_train = s.train.groupby("user_id")["timestamp"].max()
    first_test = s.test.groupby("user_id")["timestamp"].min()
    assert (first_test > last_train.loc[first_test.index]).all()


def test_missing_timestamps_are_an_error_naming_the_row_not_a_zero(tmp_path: Path) -> None:
    inter, items = _write(tmp_path, "user_id,item_id,timestamp\nu,a,5\nu,b,\n", "item_id\na\nb\n")
    with pytest.raises(DataError, match=r"i\.csv.*row 3.*timestamp"):
        load_files(inter, items)


def test_an_empty_timestamp_column_means_no_times(tmp_path: Path) -> None:
    inter, items = _write(tmp_path, "user_id,item_id,timestamp\nu,a,\nu,b,\n", "item_id\na\nb\n")
    assert "timestamp" not in load_files(inter, items).interactions


def test_a_temporal_split_needs_timestamps() -> None:
    inter = pd.DataFrame({"user_id": ["u"] * 5, "item_id": list("abcde")})
    with pytest.raises(ConfigError, match=r"temporal.*timestamp"):
        split_interactions(inter, SplitConfig(method="temporal"))


def test_item_text_under_another_name_is_read_when_named_and_flagged_when_not(
    tmp_path: Path,
) -> None:
    words = "A detective hunts a forger through the canals of a rainy city at night."
    inter, items = _write(
        tmp_path, "user_id,item_id\nu,a\nu,b\n", f'item_id,title,description\na,A,"{words}"\nb,B,\n'
    )
    with pytest.warns(DataWarning, match=r"'description'.*text_column = 'description'"):
        ds = load_files(inter, items)
    assert "text" not in ds.items or set(ds.items["text"]) == {""}
    ds = load_files(inter, items, text_column="description")
    assert ds.items.set_index("item_id").loc["a", "text"] == words
    with pytest.raises(DataError, match=r"no column 'overview'.*text_column"):
        load_files(inter, items, text_column="overview")
