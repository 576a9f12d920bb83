"""The live loop around a trained model: feedback events, their durable log, and users'
online state (no HTTP here; ``kgrec serve`` is built on this)."""

from kgrec.live.events import KINDS, EventLog, Feedback
from kgrec.live.state import LiveState, updated_state

__all__ = ["KINDS", "EventLog", "Feedback", "LiveState", "updated_state"]
