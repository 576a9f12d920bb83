"""``kgrec serve``'s HTTP API over one :class:`~kgrec.api.Recommender` (no model maths here).

Every answer is JSON; every error is ``{"error": {"code", "message"}}`` with a stable code
and a message that says what to do: an unknown user or item is 404 ``unknown_user`` /
``unknown_item``, a bad argument or body 422 (``invalid_argument``, or ``invalid_body``
naming the field), a missing or wrong API key 401 ``unauthorized``. With ``api_key`` set
(``KGREC_API_KEY``), the endpoints that write require it in the ``X-API-Key`` header; the
key is never logged or echoed.

FastAPI (on Starlette, served by uvicorn): its request models validate bodies and name the
field that is wrong, and it publishes the OpenAPI description at ``/docs``. Scoring runs
in a bounded number of worker threads (one by default: more only fight over the GIL;
scale with processes), writes in FastAPI's thread pool: the Recommender is safe to share
between threads (scoring reads only; writes take its locks).
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kgrec import __version__
from kgrec.api import Recommender
from kgrec.errors import ArgumentError, DataError, KGRecError, UnknownIdError
from kgrec.serve.refit import Refitter
from kgrec.serve.sync import StoreSync

#: The page's files (HTML, CSS, JS: no framework, no CDN; served as they are).
PAGE = Path(__file__).parent / "page"


class FeedbackBody(BaseModel):
    """A user's reaction to an item."""

    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, description="A user id; a new one is created.")
    item_id: str = Field(min_length=1, description="An item id of the graph.")
    kind: str = Field(
        description="like, click, rating (with value), dislike, skip, or reset (takes the "
        "user's reactions to the item back: an undo)."
    )
    value: float | None = Field(None, description="The rating, on the data set's scale.")
    ts: int | None = Field(None, description="When, in seconds since 1970 (default: now).")
    event_id: str | None = Field(
        None, min_length=1, description="Your id for the event: the same id is applied once."
    )
    slate_id: str | None = Field(
        None,
        min_length=1,
        description="The X-Kgrec-Slate of the explored list the reaction is to (off-policy "
        "evaluation reads it as that slate's reward: `kgrec ope`).",
    )


class ItemBody(BaseModel):
    """An item to add: recommendable as soon as the call returns."""

    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(min_length=1, description="A new item id.")
    title: str = Field(min_length=1, description="Its title.")
    text: str = Field("", description="Its description (attributes are extracted from it).")
    genres: list[str] = Field(default_factory=list, description="Genres, as given.")
    tags: list[str] = Field(default_factory=list, description="Tags, as given.")
    year: int | None = Field(None, description="Its year.")


class ItemsBody(BaseModel):
    """Items to add together (all or none)."""

    model_config = ConfigDict(extra="forbid")

    items: list[ItemBody] = Field(min_length=1, max_length=10_000)


class TextBody(BaseModel):
    """Someone known only by a sentence."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="What they like, in their own words.")
    k: int = Field(10, ge=1, le=1000, description="How many recommendations.")
    explain: bool = Field(True, description="With paths and a sentence each.")
    user_id: str | None = Field(
        None,
        min_length=1,
        description="Remember the text as this user's words (a new id creates the user); "
        "the list is then theirs, feedback included.",
    )


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


class _Metrics:
    """Prometheus counters of one app (its own registry: several apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kgrec_requests", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "kgrec_request_seconds",
            "Request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
        )
        self.events = Counter(
            "kgrec_feedback_events", "Feedback events", ["new"], registry=self.registry
        )
        self.logged = Gauge(
            "kgrec_events_logged", "Events in the log since the model", registry=self.registry
        )


def create_app(
    rec: Recommender,
    api_key: str | None = None,
    sync_every: float | None = None,
    refit_events: int | None = None,
    refit_minutes: float | None = None,
    scoring_threads: int = 1,
    explore: float | None = None,
    explore_candidates: int = 30,
) -> FastAPI:
    """The HTTP API over ``rec``; writes need ``api_key`` where one is given. With
    ``sync_every`` (seconds), the event log and added items are written to the store while
    it runs (``kgrec.serve.sync``); with ``refit_events`` or ``refit_minutes`` the model is
    refitted in the background and swapped in (``kgrec.serve.refit``). Scoring runs in at
    most ``scoring_threads`` threads at once (writes are not limited). With ``explore`` (a
    temperature), users' lists are drawn at random around kgrec's order from their top
    ``explore_candidates`` and logged with their propensities (``Recommender.explore``);
    the answer names its slate in the ``X-Kgrec-Slate`` header."""
    if explore is not None and not explore > 0:
        raise ArgumentError(f"--explore is a temperature above 0 (got {explore}), e.g. 0.2")
    sync = StoreSync(rec, sync_every) if sync_every else None
    refitter = (
        Refitter(rec, refit_events, refit_minutes, sync)
        if refit_events is not None or refit_minutes is not None
        else None
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if sync is not None:
            sync.start()
        if refitter is not None:
            refitter.start()
        yield
        if refitter is not None:
            refitter.stop()
        if sync is not None:
            sync.stop()

    app = FastAPI(
        title="kgrec",
        version=__version__,
        description="Knowledge-graph recommendations with explanations; feedback changes "
        "the next list at once.",
        lifespan=lifespan,
    )
    metrics = _Metrics()
    started = time.time()

    def writer(x_api_key: str | None = Header(None)) -> None:
        if api_key is not None and not hmac.compare_digest(
            (x_api_key or "").encode(), api_key.encode()
        ):
            raise _Unauthorized()

    app.add_middleware(_Measure, metrics=metrics)

    @app.exception_handler(UnknownIdError)
    async def unknown(_: Request, exc: UnknownIdError) -> JSONResponse:
        return _error(404, f"unknown_{exc.kind or 'id'}", str(exc))

    @app.exception_handler(ArgumentError)
    async def bad_argument(_: Request, exc: ArgumentError) -> JSONResponse:
        return _error(422, "invalid_argument", str(exc))

    @app.exception_handler(DataError)
    async def bad_data(_: Request, exc: DataError) -> JSONResponse:
        return _error(422, "invalid_body", str(exc))

    @app.exception_handler(KGRecError)
    async def kgrec_error(_: Request, exc: KGRecError) -> JSONResponse:
        return _error(400, exc.code.lower(), str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_body(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return _error(422, "invalid_body", "; ".join(parts) or "invalid request")

    @app.exception_handler(_Unauthorized)
    async def unauthorized(_: Request, exc: _Unauthorized) -> JSONResponse:
        return _error(401, "unauthorized", "send the API key in the X-API-Key header")

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Whether the service is up, its model, and the events applied since the model."""
        since = rec.events_since_model
        metrics.logged.set(since)
        return {
            "status": "ok",
            "version": __version__,
            "model": rec.model_version,
            "events_since_model": since,
            "items_since_model": rec.items_since_model,
            "refitting": refitter is not None and refitter.running.is_set(),
            "refits": refitter.refits if refitter is not None else 0,
            "uptime_s": round(time.time() - started, 1),
        }

    lanes: list[anyio.CapacityLimiter] = []

    def lane() -> anyio.CapacityLimiter:
        """At most ``scoring_threads`` scoring threads at once: more threads than cores
        only fight over the GIL (bench/serve_http.py: throughput fell with every client
        added while each request had a thread of its own)."""
        if not lanes:  # made in the event loop, on first use
            lanes.append(anyio.CapacityLimiter(scoring_threads))
        return lanes[0]

    async def scored(work: Callable[[], Any]) -> _Json:
        """Run scoring work in a scoring thread (:func:`lane`)."""
        return _Json(await anyio.to_thread.run_sync(work, limiter=lane()))

    @app.get("/users/{user_id}/recommendations", response_class=_Json)
    async def recommendations(
        user_id: str, k: int = Query(10, ge=1, le=1000), explain: bool = True
    ) -> _Json:
        """The user's top ``k``, each with paths and a sentence (as ``kgrec recommend
        --json``); their feedback so far included. An exploring service draws the list
        around that order and names it in ``X-Kgrec-Slate`` (send it back with feedback)."""
        if explore is None:
            return await scored(
                lambda: [r.to_dict() for r in rec.recommend(user_id, k=k, explain=explain)]
            )
        temperature = explore
        drawn = await anyio.to_thread.run_sync(
            lambda: rec.explore(user_id, k, temperature, explore_candidates, explain),
            limiter=lane(),
        )
        return _Json(
            [r.to_dict() for r in drawn.recommendations],
            headers={
                "X-Kgrec-Slate": drawn.slate_id,
                "X-Kgrec-Propensity": f"{drawn.propensity:.6g}",
            },
        )

    @app.get("/users/{user_id}/explanations/{item_id}", response_class=_Json)
    async def explanation(user_id: str, item_id: str) -> _Json:
        """Why the item scores as it does for the user (recommended or not)."""
        return await scored(lambda: rec.explain(user_id, item_id).to_dict())

    @app.post("/feedback", dependencies=[Depends(writer)])
    def feedback(body: FeedbackBody) -> dict[str, Any]:
        """Record a reaction: durable before this answers; the same event id once."""
        receipt = rec.feedback(
            body.user_id, body.item_id, body.kind, body.value, body.ts, body.event_id, body.slate_id
        )
        metrics.events.labels(str(receipt.new).lower()).inc()
        return {"event_id": receipt.event_id, "new": receipt.new}

    @app.post("/items", dependencies=[Depends(writer)])
    def add_items(body: ItemsBody) -> dict[str, Any]:
        """Add items: their attributes and nearest items in text are found as the
        pipeline finds them, and they are recommendable when this answers. A bad item
        adds nothing (422 naming its row and field); the same items again, once."""
        receipt = rec.add_items([i.model_dump() for i in body.items], write_store=sync is None)
        return {"batch_id": receipt.batch_id, "item_ids": receipt.item_ids, "new": receipt.new}

    @app.post("/recommendations/text", response_class=_Json)
    async def for_text(body: TextBody, x_api_key: str | None = Header(None)) -> _Json:
        """Recommendations for someone known by a sentence; with ``user_id`` the sentence
        is remembered as theirs (a write: it needs the API key where one is set)."""
        if body.user_id is not None:
            writer(x_api_key)
        return await scored(
            lambda: [
                r.to_dict()
                for r in rec.recommend_for_text(body.text, body.k, body.explain, body.user_id)
            ]
        )

    @app.get("/items/{item_id}/similar", response_class=_Json)
    async def similar(item_id: str, k: int = Query(10, ge=1, le=1000)) -> _Json:
        """Items most like this one."""
        return await scored(lambda: [r.to_dict() for r in rec.similar_items(item_id, k=k)])

    @app.get("/users", response_class=_Json)
    async def users(q: str = "", limit: int = Query(20, ge=1, le=500)) -> _Json:
        """Users whose id or own words contain ``q``."""
        return await scored(lambda: rec.search_users(q, limit))

    @app.get("/items", response_class=_Json)
    async def items(q: str = "", limit: int = Query(20, ge=1, le=500)) -> _Json:
        """Items whose id or title contains ``q``."""
        return await scored(lambda: rec.search_items(q, limit))

    @app.get("/nodes/{node_id}/items", response_class=_Json)
    async def node_items(node_id: str, limit: int = Query(20, ge=1, le=500)) -> _Json:
        """An attribute (``Genre:western``) and the items that have it."""
        return await scored(lambda: rec.items_with(node_id, limit))

    @app.get("/users/{user_id}/history", response_class=_Json)
    async def history(user_id: str) -> _Json:
        """The user's items, newest first, with their weights; feedback marked."""
        return await scored(lambda: rec.history_rows(user_id))

    @app.get("/users/{user_id}/profile", response_class=_Json)
    async def profile(user_id: str) -> Response:
        """The attributes the user leans to now and their shares over time windows (409
        ``no_profile`` where their interactions have no timestamps)."""
        try:
            return await scored(lambda: rec.profile(user_id).to_dict())
        except DataError as exc:
            return _error(409, "no_profile", str(exc))

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The page for people (``kgrec/serve/page``)."""
        return FileResponse(PAGE / "index.html")

    app.mount("/page", StaticFiles(directory=PAGE), name="page")

    @app.get("/metrics")
    def prometheus() -> PlainTextResponse:
        """Requests, latency, events and the model, in Prometheus' text format."""
        metrics.logged.set(rec.events_since_model)
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


class _Json(Response):
    """JSON straight from plain dicts and lists: FastAPI's encoder walks every value of a
    nested answer again (a tenth of an explained top 10's time), which these need not."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _Measure:
    """Pure ASGI middleware counting requests and timing them per route (Starlette's
    ``BaseHTTPMiddleware`` costs a task and a stream per request)."""

    def __init__(self, app: ASGIApp, metrics: _Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            name = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.latency.labels(name).observe(time.perf_counter() - start)
            self.metrics.requests.labels(name, str(status)).inc()


class _Unauthorized(Exception):
    """A write without the API key."""
