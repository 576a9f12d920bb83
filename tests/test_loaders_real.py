"""Loaders for MovieLens (three layouts) and HetRec Last.fm, on small files the tests write."""

from pathlib import Path

import pytest

from kgrec.config import DataConfig
from kgrec.data import load_dataset
from kgrec.data.lastfm import load_hetrec_lastfm
from kgrec.data.movielens import load_movielens
from kgrec.errors import ConfigError, DataError


def _write(folder: Path, files: dict[str, str], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding=encoding)
    return folder


LATEST = {
    "movies.csv": "movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n"
    '2,"Heat, The (1995)",Crime\n3,Nameless,(no genres listed)\n',
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,100\n1,2,3.5,200\n2,1,5.0,300\n",
    "tags.csv": "userId,movieId,tag,timestamp\n1,1,Pixar,1\n2,1,pixar ,2\n2,2, heist,3\n",
    "links.csv": "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113277,949\n3,1,999\n",
}


def test_ml_latest_with_tags_and_overviews(tmp_path: Path) -> None:
    folder = _write(tmp_path / "ml-latest-small", LATEST)
    tmdb = tmp_path / "tmdb.csv"
    tmdb.write_text('id,overview\n862,"Woody, Buzz and friends."\n949,\n')
    extra = tmp_path / "tmdb2.csv"
    extra.write_text("id,overview\n949,A heist in Los Angeles.\n862,ignored: the first file wins\n")
    ds = load_movielens(folder, [tmdb, extra])
    items = ds.items.set_index("item_id")
    assert items.loc["1", "title"] == "Toy Story" and items.loc["1", "year"] == 1995
    assert items.loc["2", "title"] == "Heat, The"
    assert items.loc["3", "genres"] == ""
    assert items.loc["1", "tags"] == "Pixar" and items.loc["2", "tags"] == "heist"
    assert items.loc["1", "text"] == "Woody, Buzz and friends."
    assert items.loc["2", "text"] == "A heist in Los Angeles."
    assert items.loc["3", "text"] == ""
    assert len(ds.interactions) == 3 and ds.interactions["timestamp"].tolist() == [100, 200, 300]
    assert sorted(ds.users["user_id"]) == ["1", "2"]


def test_ml_1m_and_ml_100k_layouts(tmp_path: Path) -> None:
    m1 = _write(
        tmp_path / "ml-1m",
        {
            "movies.dat": "1::Toy Story (1995)::Animation|Children's\n2::Café (2001)::Drama\n",
            "ratings.dat": "1::1::5::978300760\n1::2::3::978302109\n",
        },
        encoding="latin-1",
    )
    ds = load_movielens(m1)
    assert ds.items.set_index("item_id").loc["2", "title"] == "Café"
    assert ds.interactions["rating"].tolist() == [5.0, 3.0]
    flags = ["0"] * 19
    flags[3] = flags[5] = "1"  # Animation, Comedy
    m100 = _write(
        tmp_path / "ml-100k",
        {
            "u.item": "1|Toy Story (1995)|01-Jan-1995||http://x|" + "|".join(flags) + "\n",
            "u.data": "196\t1\t3\t881250949\n",
        },
        encoding="latin-1",
    )
    ds = load_movielens(m100)
    assert ds.items.loc[0, "genres"] == "Animation|Comedy"
    assert ds.interactions.loc[0, "user_id"] == "196"


def test_bad_rating_names_file_row_and_column(tmp_path: Path) -> None:
    files = dict(LATEST)
    files["ratings.csv"] = "userId,movieId,rating,timestamp\n1,1,4.0,100\n1,2,great,200\n"
    folder = _write(tmp_path / "ml", files)
    with pytest.raises(DataError) as info:
        load_movielens(folder)
    assert (info.value.file, info.value.row, info.value.column) == (
        str(folder / "ratings.csv"),
        3,
        "rating",
    )
    with pytest.raises(DataError, match="no MovieLens files"):
        load_movielens(tmp_path)


def test_hetrec_lastfm(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "hetrec2011-lastfm-2k",
        {
            "artists.dat": "id\tname\turl\tpictureURL\n1\tMALICE MIZER\tu\tp\n2\tBjörk\tu\tp\n",
            "user_artists.dat": "userID\tartistID\tweight\n2\t1\t13883\n3\t2\t20\n",
            "user_taggedartists.dat": "userID\tartistID\ttagID\tday\tmonth\tyear\n"
            "2\t1\t1\t1\t4\t2009\n3\t1\t1\t1\t4\t2009\n3\t2\t2\t1\t4\t2009\n",
            "user_friends.dat": "userID\tfriendID\n2\t3\n",
        },
    )
    (folder / "tags.dat").write_bytes(
        "tagID\ttagValue\r\n1\tJ-Rock\r\n2\tnordic ö\r\n".encode("latin-1")
    )
    ds = load_hetrec_lastfm(folder)
    items = ds.items.set_index("item_id")
    assert items.loc["2", "title"] == "Björk"
    assert items.loc["1", "tags"] == "j-rock"  # two users gave it
    assert items.loc["2", "tags"] == ""  # one user only: below MIN_TAG_USES
    assert ds.interactions["rating"].tolist() == [13883.0, 20.0]


def test_data_sets_are_found_through_kgrec_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "ml-latest-small", LATEST)
    config = DataConfig(source="movielens", path=Path("ml-latest-small"))
    monkeypatch.delenv("KGREC_DATA_DIR", raising=False)
    with pytest.raises(ConfigError, match="KGREC_DATA_DIR"):
        load_dataset(config)
    monkeypatch.setenv("KGREC_DATA_DIR", str(tmp_path))
    assert len(load_dataset(config).items) == 3
    with pytest.raises(ValueError, match="needs 'path'"):
        DataConfig(source="lastfm")
