"""The whole schema in one import: every table module of the project, on one ``Base``.

Importing this module registers every table in ``Base.metadata``, which is what Alembic's env.py
compares and migrates, so a new table module must be imported here. The tables themselves live
with the queries on them, by topic:

- ``db.clients``: clients, their events and lifecycle scores;
- ``db.conversations``: suitability records, offers, survey answers, handoff requests;
- ``db.review``: the staff review trail and the messages Rasa never received;
- ``db.accounts``: staff and client accounts, web sessions, the staff audit trail, sign-ins;
- ``db.holdings``: portfolio snapshots;
- ``db.saved_filters``: staff members' saved filters of the conversation list;
- ``db.conversation_summary``: per-conversation summaries of Rasa's events, kept by a trigger;
- ``db.conversation_ratings``: each conversation's latest rating, kept by a trigger;
- ``db.market_suitability``: the class, grade and match of each recommendation of a market with
  suitability rules.

Rasa's SQL tracker store keeps the conversations in its own ``events`` table in the same database
(described in ``db.tracker_events``); the project's tables never reuse that name. Records that
regulators may ask for are append-only: a change writes a new row.
"""

from __future__ import annotations

from db.accounts import (
    ClientAccount,
    SignInAttempt,
    StaffAuditEntry,
    StaffUser,
    WebSession,
)
from db.base import Base
from db.clients import Client, ClientEvent, LifecycleScore
from db.conversation_ratings import ConversationRating
from db.conversation_summary import ConversationIntent, ConversationSummary, ConversationText
from db.conversations import HandoffRequest, OfferRecord, SuitabilityRecord, SurveyAnswer
from db.holdings import Holding
from db.market_suitability import MarketSuitabilityRecord
from db.review import ReviewEvent, UndeliveredMessage
from db.saved_filters import SavedFilter

__all__ = [
    "Base",
    "Client", "ClientEvent", "LifecycleScore",
    "SuitabilityRecord", "OfferRecord", "SurveyAnswer", "HandoffRequest",
    "ReviewEvent", "UndeliveredMessage",
    "StaffUser", "StaffAuditEntry", "ClientAccount", "WebSession", "SignInAttempt",
    "Holding",
    "SavedFilter",
    "MarketSuitabilityRecord",
    "ConversationSummary", "ConversationIntent", "ConversationText", "ConversationRating",
]
