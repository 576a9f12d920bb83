"""Simulated users grounded in a data set, and policies evaluated and optimised on them
(``kgrec simulate``): :func:`run` is the Python entry point, returning what
``kgrec simulate --json`` prints."""

from kgrec.simulate.run import POLICIES, run

__all__ = ["POLICIES", "run"]
