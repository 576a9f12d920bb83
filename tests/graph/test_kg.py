import pandas as pd

from kgrec.data.loaders import load_files
from kgrec.data.movielens import _company_names
from kgrec.extract import Extractor
from kgrec.extract.corpus import extract_dataset
from kgrec.graph.kg import KnowledgeGraph


def test_a_graph_without_a_kind_loses_its_nodes_and_their_edges() -> None:
    nodes = pd.DataFrame(
        {
            "node_id": ["Item:1", "Organization:pixar", "Genre:animation"],
            "label": ["Item", "Organization", "Genre"],
            "key": ["1", "pixar", "animation"],
            "name": ["Up", "Pixar", "animation"],
        }
    )
    edges = pd.DataFrame(
        {
            "src": ["Item:1", "Item:1"],
            "rel": ["MADE_BY", "HAS_GENRE"],
            "dst": ["Organization:pixar", "Genre:animation"],
            "weight": [1.0, 1.0],
        }
    )
    kg = KnowledgeGraph(nodes, edges).without_kinds(["Organization"])
    assert list(kg.nodes["label"]) == ["Item", "Genre"]
    assert list(kg.edges["rel"]) == ["HAS_GENRE"]


def test_tmdb_companies_read_in_both_spellings_of_the_kaggle_files() -> None:
    assert _company_names('[{"name": "Pixar", "id": 3}, {"name": "A|B", "id": 4}]') == "Pixar|A/B"
    assert _company_names("[{'name': 'Walt Disney Pictures', 'id': 2}]") == "Walt Disney Pictures"
    assert _company_names("not a list") == "" and _company_names(None) == ""


def test_metadata_organisations_are_makers_and_known_in_texts(
    tmp_path, extractor: Extractor
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "i.csv").write_text("user_id,item_id\nu1,m1\nu1,m2\n")
    (tmp_path / "t.csv").write_text(
        "item_id,title,text,organizations\n"
        "m1,Up,An old man flies his house to South America.,Pixar Animation Studios\n"
        "m2,Cars,The new Pixar Animation Studios film is about racing.,\n"
    )
    mentions = extract_dataset(load_files(tmp_path / "i.csv", tmp_path / "t.csv"), extractor)
    orgs = mentions[mentions["kind"] == "Organization"]
    meta = orgs[orgs["source"] == "metadata"]
    assert list(meta["owner_id"]) == ["m1"] and set(meta["relation"]) == {"MADE_BY"}
    text = orgs[orgs["source"] == "text"]
    assert list(text["owner_id"]) == ["m2"] and list(text["canonical"]) == ["Pixar"]
