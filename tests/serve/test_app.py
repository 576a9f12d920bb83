"""The HTTP API through an ASGI client: answers, feedback that changes the next list, and
errors that are JSON with a stable code, never a 500."""

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgrec import Recommender
from kgrec.errors import ArgumentError
from kgrec.evaluation.offpolicy import live_log
from kgrec.pipeline import RunSummary
from kgrec.serve import create_app


@pytest.fixture(scope="module")
def rec(sample_run: RunSummary, tmp_path_factory: pytest.TempPathFactory) -> Recommender:
    work = tmp_path_factory.mktemp("serve") / "sample"
    shutil.copytree(sample_run.work_dir, work)
    return Recommender.load(work)


@pytest.fixture(scope="module")
def client(rec: Recommender) -> TestClient:
    return TestClient(create_app(rec), raise_server_exceptions=False)


def test_health_and_recommendations(client: TestClient) -> None:
    health = client.get("/health").json()
    assert health["status"] == "ok" and len(health["model"]) == 12
    recs = client.get("/users/u03/recommendations", params={"k": 5}).json()
    assert [r["rank"] for r in recs] == [1, 2, 3, 4, 5]
    assert all(r["text"].startswith("Because") and r["paths"] for r in recs)
    why = client.get(f"/users/u03/explanations/{recs[0]['item_id']}").json()
    assert why["rank"] == 1 and why["score"] == pytest.approx(recs[0]["score"], rel=1e-4)
    similar = client.get("/items/m010/similar", params={"k": 3}).json()
    assert len(similar) == 3 and "m010" not in {r["item_id"] for r in similar}
    text = client.post("/recommendations/text", json={"text": "dark science fiction", "k": 4})
    assert text.status_code == 200 and len(text.json()) == 4


def test_feedback_changes_the_very_next_list(client: TestClient) -> None:
    top = client.get("/users/u05/recommendations", params={"k": 10}).json()[0]
    sent = client.post(
        "/feedback", json={"user_id": "u05", "item_id": top["item_id"], "kind": "like"}
    )
    assert sent.status_code == 200 and sent.json()["new"] is True
    again = client.post(
        "/feedback",
        json={"user_id": "u05", "item_id": top["item_id"], "kind": "like", "event_id": "x1"},
    )
    assert again.json() == {"event_id": "x1", "new": True}
    assert client.post(
        "/feedback",
        json={"user_id": "u05", "item_id": top["item_id"], "kind": "like", "event_id": "x1"},
    ).json() == {"event_id": "x1", "new": False}
    after = client.get("/users/u05/recommendations", params={"k": 10}).json()
    assert top["item_id"] not in {r["item_id"] for r in after}
    assert any(f"you just liked *{top['title']}*" in r["text"] for r in after)
    assert client.get("/health").json()["events_since_model"] >= 2


def test_a_user_made_by_a_sentence(client: TestClient) -> None:
    body = {"text": "I love mystery films set in Lisbon", "k": 5, "user_id": "web-words"}
    first = client.post("/recommendations/text", json=body).json()
    assert len(first) == 5
    again = client.get("/users/web-words/recommendations", params={"k": 5}).json()
    assert [r["item_id"] for r in again] == [r["item_id"] for r in first]


def test_a_user_made_by_three_likes(client: TestClient) -> None:
    for item in ("m010", "m024", "m060"):
        assert (
            client.post(
                "/feedback", json={"user_id": "web-1", "item_id": item, "kind": "like"}
            ).status_code
            == 200
        )
    recs = client.get("/users/web-1/recommendations", params={"k": 5}).json()
    assert len(recs) == 5 and all(r["paths"] for r in recs)


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code"),
    [
        ("get", "/users/nobody/recommendations", None, 404, "unknown_user"),
        ("get", "/users/u01/explanations/nothing", None, 404, "unknown_item"),
        ("get", "/items/nothing/similar", None, 404, "unknown_item"),
        ("get", "/users/u01/recommendations?k=0", None, 422, "invalid_body"),
        (
            "post",
            "/feedback",
            {"user_id": "u01", "item_id": "m010", "kind": "love"},
            422,
            "invalid_argument",
        ),
        (
            "post",
            "/feedback",
            {"user_id": "u01", "item_id": "nothing", "kind": "like"},
            404,
            "unknown_item",
        ),
        ("post", "/feedback", {"user_id": "u01", "kind": "like"}, 422, "invalid_body"),
        (
            "post",
            "/feedback",
            {"user_id": "u01", "item_id": "m010", "kind": "rating"},
            422,
            "invalid_argument",
        ),
        ("post", "/recommendations/text", {"text": ""}, 422, "invalid_body"),
        ("post", "/items", {"items": []}, 422, "invalid_body"),
        ("post", "/items", {"items": [{"item_id": "m010", "title": "Again"}]}, 422, "invalid_body"),
        (
            "post",
            "/items",
            {"items": [{"item_id": "z", "title": "Z", "genres": "x"}]},
            422,
            "invalid_body",
        ),
    ],
)
def test_errors_are_json_with_a_stable_code(
    client: TestClient, method: str, url: str, body: object, status: int, code: str
) -> None:
    res = client.request(method.upper(), url, json=body)
    assert res.status_code == status, res.text
    error = res.json()["error"]
    assert error["code"] == code and error["message"]


def test_a_missing_field_is_named(client: TestClient) -> None:
    res = client.post("/feedback", json={"user_id": "u01", "kind": "like"})
    assert "item_id" in res.json()["error"]["message"]


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        JSONISH,
        st.fixed_dictionaries(
            {"user_id": JSONISH, "item_id": JSONISH, "kind": JSONISH},
            optional={"value": JSONISH, "ts": JSONISH, "event_id": JSONISH},
        ),
    )
)
def test_any_body_gets_an_answer_never_a_500(client: TestClient, body: object) -> None:
    res = client.post("/feedback", json=body)
    assert res.status_code in (200, 404, 422), res.text
    if res.status_code != 200:
        assert res.json()["error"]["code"]


def test_a_new_item_is_recommendable_when_the_call_returns(client: TestClient) -> None:
    body = {
        "items": [
            {
                "item_id": "web-item",
                "title": "The Harbor Returns",
                "text": "An epic comedy set in Lisbon about freedom and grief.",
                "genres": ["Comedy", "Western"],
            }
        ]
    }
    sent = client.post("/items", json=body)
    assert sent.status_code == 200 and sent.json()["item_ids"] == ["web-item"]
    assert client.post("/items", json=body).json()["new"] is False
    similar = client.get("/items/web-item/similar", params={"k": 5}).json()
    assert "m001" in {r["item_id"] for r in similar}  # the item it was written after
    why = client.get("/users/u05/explanations/web-item").json()
    assert why["item_id"] == "web-item" and why["rank"] >= 1
    bad = client.post(
        "/items", json={"items": [{"item_id": "ok2", "title": "Ok"}, {"item_id": "b", "title": 3}]}
    )
    assert bad.status_code == 422 and "items.1.title" in bad.json()["error"]["message"]


@pytest.mark.reliability
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        JSONISH,
        st.fixed_dictionaries({"items": st.lists(JSONISH, max_size=3)}),
        st.fixed_dictionaries(
            {
                "items": st.lists(
                    st.fixed_dictionaries(
                        {"item_id": JSONISH, "title": JSONISH},
                        optional={"genres": JSONISH, "year": JSONISH},
                    ),
                    max_size=2,
                )
            }
        ),
    )
)
def test_any_items_body_gets_an_answer_never_a_500(client: TestClient, body: object) -> None:
    res = client.post("/items", json=body)
    assert res.status_code in (200, 422), res.text
    if res.status_code != 200:
        assert res.json()["error"]["code"] and res.json()["error"]["message"]


@pytest.mark.reliability
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(
        JSONISH,
        st.fixed_dictionaries({"text": JSONISH}, optional={"k": JSONISH, "explain": JSONISH}),
    )
)
def test_any_text_body_gets_an_answer_never_a_500(client: TestClient, body: object) -> None:
    res = client.post("/recommendations/text", json=body)
    assert res.status_code in (200, 422), res.text


@pytest.mark.reliability
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    who=st.text(min_size=1, max_size=12).filter(lambda t: t.strip(".") != ""),
    k=st.one_of(st.integers(-5, 2000), st.text(max_size=4)),
)
def test_any_path_or_query_gets_an_answer_never_a_500(
    client: TestClient, who: str, k: object
) -> None:
    who = quote(who, safe="")
    for url in (f"/users/{who}/recommendations", f"/items/{who}/similar"):
        res = client.get(url, params={"k": k})
        assert res.status_code in (200, 404, 422), res.text
    res = client.get(f"/users/u01/explanations/{who}")
    assert res.status_code in (200, 404), res.text


@pytest.mark.parametrize("raw", [b"", b"{", b"NaN", b"\xff\xfe", b'{"kind": 1e999}'])
def test_bodies_that_are_not_json_are_a_422(client: TestClient, raw: bytes) -> None:
    res = client.post("/feedback", content=raw, headers={"content-type": "application/json"})
    assert res.status_code == 422 and res.json()["error"]["code"] == "invalid_body"


def test_writes_need_the_key_where_one_is_set(rec: Recommender) -> None:
    keyed = TestClient(create_app(rec, api_key="s3cret"), raise_server_exceptions=False)
    body = {"user_id": "u02", "item_id": "m010", "kind": "click"}
    denied = keyed.post("/feedback", json=body)
    assert denied.status_code == 401 and "s3cret" not in denied.text
    assert keyed.post("/feedback", json=body, headers={"X-API-Key": "wrong"}).status_code == 401
    assert keyed.post("/feedback", json=body, headers={"X-API-Key": "s3cret"}).status_code == 200
    assert keyed.get("/users/u02/recommendations").status_code == 200  # reads stay open
    words = {"text": "I love westerns", "k": 3}
    assert keyed.post("/recommendations/text", json=words).status_code == 200
    remembered = {**words, "user_id": "keyed-words"}
    assert keyed.post("/recommendations/text", json=remembered).status_code == 401
    assert (
        keyed.post("/items", json={"items": [{"item_id": "k1", "title": "K"}]}).status_code == 401
    )


def test_metrics_count_requests_and_events(client: TestClient) -> None:
    client.get("/users/u03/recommendations")
    text = client.get("/metrics").text
    assert 'kgrec_requests_total{route="/users/{user_id}/recommendations",status="200"}' in text
    assert "kgrec_request_seconds_bucket" in text and "kgrec_feedback_events_total" in text


def test_an_exploring_service_logs_its_slates_and_their_rewards(
    sample_run: RunSummary, tmp_path: Path
) -> None:
    work = tmp_path / "sample"
    shutil.copytree(sample_run.work_dir, work)
    rec = Recommender.load(work)
    with pytest.raises(ArgumentError, match="temperature above 0"):
        create_app(rec, explore=0.0)
    exploring = TestClient(create_app(rec, explore=0.3, explore_candidates=15))
    seen_orders = set()
    for n in range(8):
        got = exploring.get("/users/u07/recommendations", params={"k": 5})
        assert got.status_code == 200
        slate, propensity = got.headers["X-Kgrec-Slate"], float(got.headers["X-Kgrec-Propensity"])
        items = [r["item_id"] for r in got.json()]
        greedy = [r.item_id for r in rec.recommend("u07", k=15, explain=False)]
        assert set(items) <= set(greedy) and 0 < propensity <= 1
        seen_orders.add(tuple(items))
        if n == 0:
            sent = {"user_id": "u07", "item_id": items[0], "kind": "click", "slate_id": slate}
            assert exploring.post("/feedback", json=sent).status_code == 200
    assert len(seen_orders) > 1  # drawn, not the ranking
    logs = live_log(work)
    assert len(logs) == 8 and [x.reward for x in logs] == [1.0] + [0.0] * 7
