"""The live loop around a trained model: feedback events, items added online, users'
words and the slates an exploring service drew, their durable logs, and users' online
state (no HTTP here; ``kgrec serve`` is built on this)."""

from kgrec.live.events import KINDS, EventLog, Feedback
from kgrec.live.explore import Slate, SlateLog
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
    "Slate",
    "SlateLog",
    "Words",
    "WordsLog",
    "updated_state",
]
