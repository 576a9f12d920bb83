"""A refit inside a running service: requests keep being answered by the old model,
then the new model answers, with the events that arrived during the refit applied."""

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgrec import Recommender
from kgrec.serve import create_app


@pytest.mark.reliability
@pytest.mark.slow
def test_a_background_refit_swaps_in_without_a_failed_request(sample_copy: Path) -> None:
    rec = Recommender.load(sample_copy)
    old_model = rec.model_version
    statuses: list[int] = []
    stop = threading.Event()
    with TestClient(create_app(rec, refit_events=3), raise_server_exceptions=False) as client:

        def stream() -> None:
            while not stop.is_set():
                statuses.append(
                    client.get("/users/u03/recommendations", params={"k": 5}).status_code
                )

        reader = threading.Thread(target=stream)
        reader.start()
        for item in ("m010", "m024", "m060"):
            assert (
                client.post(
                    "/feedback", json={"user_id": "swap", "item_id": item, "kind": "like"}
                ).status_code
                == 200
            )
        deadline = time.monotonic() + 300
        while not client.get("/health").json()["refitting"] and time.monotonic() < deadline:
            time.sleep(0.05)
        # arrives during the refit: the new model must get it too
        client.post(
            "/feedback",
            json={"user_id": "u03", "item_id": "m002", "kind": "dislike", "event_id": "mid"},
        )
        while client.get("/health").json()["refits"] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()
        reader.join()
        health = client.get("/health").json()
    assert health["refits"] == 1 and health["model"] != old_model
    assert health["events_since_model"] <= 1  # the dislike (if it came after the fold)
    assert statuses and set(statuses) == {200}, set(statuses)
    assert rec.history("u03")["m002"] == -1.0
    assert "swap" in rec.user_ids() and len(rec.recommend("swap", k=5)) == 5
