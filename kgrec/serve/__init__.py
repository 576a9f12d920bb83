"""``kgrec serve``: the HTTP API and (later) the web page, over a Recommender."""

from kgrec.serve.app import create_app

__all__ = ["create_app"]
