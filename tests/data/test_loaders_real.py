"""Loaders for MovieLens (three layouts) and HetRec Last.fm, on small files the tests write."""

from pathlib import Path

import pandas as pd
import pytest

from kgrec.config import DataConfig
from kgrec.data import load_dataset, load_files
from kgrec.data.kg import read_kg_triples
from kgrec.data.lastfm import load_hetrec_lastfm
from kgrec.data.movielens import load_movielens
from kgrec.data.split import read_split_files
from kgrec.errors import ConfigError, DataError
from kgrec.extract.corpus import MENTION_FRAME_COLUMNS
from kgrec.graph.builder import build_graph


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
    assert items.loc["2", "title"] == "The Heat"  # MovieLens files the article at the end
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
            "user_friends.dat": "userID\tfriendID\n2\t3\n3\t2\n2\t99\n",
        },
    )
    (folder / "tags.dat").write_bytes(
        "tagID\ttagValue\r\n1\tJ-Rock\r\n2\tnordic ö\r\n".encode("latin-1")
    )
    ds = load_hetrec_lastfm(folder)
    items = ds.items.set_index("item_id")
    assert items.loc["2", "title"] == "Björk"
    assert set(items["kind"]) == {"artist"}  # tags that name one link to it
    assert items.loc["1", "tags"] == "j-rock"  # two users gave it
    assert items.loc["2", "tags"] == ""  # one user only: below MIN_TAG_USES
    assert ds.interactions["rating"].tolist() == [13883.0, 20.0]
    # one FRIEND_OF per tie (the file lists it from both sides); user 99 never listened
    assert ds.links[["source", "type", "target"]].values.tolist() == [["2", "FRIEND_OF", "3"]]


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


def test_kg_triples_with_an_item_map(tmp_path: Path) -> None:
    triples = tmp_path / "kg.txt"
    triples.write_text(
        "0\tmusic.artist.origin\t5\n7\tpeople.person.place_of_birth\t5\n6\tfilm.actor.film\t1\n1\tsimilar\t0\n"
    )
    item_map = tmp_path / "item_index2entity_id.txt"
    item_map.write_text("10\t0\n20\t1\n30\t2\n")
    links = read_kg_triples(triples, item_map, pd.Series(["10", "20"]))
    rows = links[["source_label", "source", "target_label", "target", "relation"]].values.tolist()
    assert rows == [
        ["Item", "10", "Entity", "5", "music.artist.origin"],
        ["Entity", "7", "Entity", "5", "people.person.place_of_birth"],
        ["Item", "20", "Entity", "6", "film.actor.film"],  # turned item-side out
    ]  # the item-item triple is not an attribute link and is left out
    bad = tmp_path / "bad.txt"
    bad.write_text("0\tr\t5\n1\t\t5\n")
    with pytest.raises(DataError, match=r"bad.txt.*row 2.*relation"):
        read_kg_triples(bad, item_map, pd.Series(["10"]))


def test_pipeline_builds_kg_and_friend_links(tmp_path: Path) -> None:
    (tmp_path / "items.csv").write_text("item_id,title\na,Alpha\nb,Beta\n")
    (tmp_path / "inter.csv").write_text("user_id,item_id\nu1,a\nu2,b\n")
    (tmp_path / "kg.tsv").write_text("a\tgenre.of\tjazz-entity\nb\tgenre.of\tjazz-entity\n")
    config = DataConfig(
        source="csv",
        interactions=tmp_path / "inter.csv",
        items=tmp_path / "items.csv",
        kg_triples=tmp_path / "kg.tsv",
    )
    ds = load_dataset(config)
    kg = build_graph(ds, pd.DataFrame(columns=MENTION_FRAME_COLUMNS))
    related = kg.edges[kg.edges["rel"] == "RELATED"]
    assert sorted(related["src"]) == ["Item:a", "Item:b"]
    assert set(related["dst"]) == {"Entity:jazz-entity"}
    assert set(related["relation"]) == {"genre.of"}


def test_pre_split_files(tmp_path: Path) -> None:
    (tmp_path / "items.csv").write_text("item_id\na\nb\nc\n")
    (tmp_path / "inter.csv").write_text("user_id,item_id,rating\nu1,a,1\nu1,b,5\nu1,c,5\n")
    ds = load_files(tmp_path / "inter.csv", tmp_path / "items.csv")
    for name, rows in {"train": "u1\tb", "valid": "u1\tc", "test": "u2\ta"}.items():
        (tmp_path / f"{name}.tsv").write_text(f"user_id\titem_id\n{rows}\n")
    files = [tmp_path / f"{n}.tsv" for n in ("train", "valid", "test")]
    merged, split = read_split_files(files, ds)
    assert split.train["item_id"].tolist() == ["b"] and split.test["user_id"].tolist() == ["u2"]
    assert len(merged.interactions) == 3 and "u2" in set(merged.users["user_id"])
    (tmp_path / "test.tsv").write_text("user_id\titem_id\nu1\tb\n")
    with pytest.raises(DataError, match=r"test.tsv.*row 2.*also in .*train.tsv"):
        read_split_files(files, ds)
    (tmp_path / "test.tsv").write_text("user_id\titem_id\nu1\tzz\n")
    with pytest.raises(DataError, match=r"test.tsv.*row 2.*'zz' is not in the items file"):
        read_split_files(files, ds)
