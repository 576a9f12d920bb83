"""The live loop around a trained model: feedback events, items added online and users'
words, their durable logs, and users' online state (no HTTP here; ``kgrec serve`` is
built on this)."""

from kgrec.live.events import KINDS, EventLog, Feedback
from kgrec.live.items import ItemBatch, ItemLog, NewItem
from kgrec.live.state import LiveState, updated_state
from kgrec.live.words import Words, WordsLog

__all__ = [
    "KINDS",
    "EventLog",
    "Feedback",
    "ItemBatch",
    "ItemLog",
    "LiveState",
    "NewItem",
    "Words",
    "WordsLog",
    "updated_state",
]
