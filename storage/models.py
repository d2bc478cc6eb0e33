"""Database schema: every table of the application, in one place.

Ticket numbers shown to people ("#123") are ``Ticket.id``. Telegram ids (users, chats) are BigInteger.
All times are stored as UTC and returned timezone-aware (see ``UTCDateTime``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.workflow.states import TicketState


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, on every backend (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[int]: JSON,
    }


TicketStatus = TicketState
"""The stored status of a ticket: the workflow's states (``bot.workflow.states`` owns the transitions)."""

OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.FORWARDED, TicketStatus.ASSIGNED, TicketStatus.ANSWERED)


class SourceKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


class MessageRole(StrEnum):
    """What a ticket message is, seen from the ticket."""

    CITIZEN = "citizen"
    ANSWER = "answer"


class LinkKind(StrEnum):
    """What a bot message that points back to a ticket is."""

    ACK = "ack"
    CARD = "card"
    """The live card in a staff chat: edited whenever the ticket changes (``Forwarding.refresh_cards``)."""
    MOVED_CARD = "moved_card"
    """A card left behind in a chat the ticket moved away from: says where it went, no buttons."""
    ESCALATION = "escalation"
    """The card sent up the hierarchy when the ticket is overdue, headed by why; not edited later."""
    COPY = "copy"
    ANSWER = "answer"
    NOTICE = "notice"
    QUESTION = "question"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    locality_code: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    sla: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Per-topic answer deadlines overriding the taxonomy, e.g. ``{"transport": "3d", "*": "5d"}``."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitAdmin(Base):
    """An admin of one unit and everything below it (global admins are ``Admin``)."""

    __tablename__ = "unit_admins"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)


class Official(Base):
    __tablename__ = "officials"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)


class Admin(Base):
    """A global admin named in the org file (``ADMIN_IDS`` adds more at run time, not stored)."""

    __tablename__ = "admins"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class RoutingRule(Base):
    """(locality, topic) → unit. ``locality`` is a ward code, a province code or ``*``; topic a code or ``*``."""

    __tablename__ = "routing_rules"
    __table_args__ = (UniqueConstraint("locality", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    locality: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))


class CommunityGroup(Base):
    __tablename__ = "community_groups"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    ward_code: Mapped[int | None] = mapped_column(Integer)


class StaffChat(Base):
    """What the bot knows of a unit's staff chat (whether it is a forum), learnt from updates or getChat."""

    __tablename__ = "staff_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    is_forum: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(255), default="")


class Citizen(Base):
    __tablename__ = "citizens"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_ward_code: Mapped[int | None] = mapped_column(Integer)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_unit_created", "unit_id", "created_at"),
        Index("ix_tickets_citizen_last", "citizen_id", "source_chat_id", "last_message_at"),
        Index("ix_tickets_unit_status", "unit_id", "status"),
        # Digests (storage/repositories/digests.py): each figure reads one period's events by their time.
        Index("ix_tickets_created", "created_at"),
        Index("ix_tickets_answered", "answered_at"),
        Index("ix_tickets_resolved", "resolved_at"),
        Index("ix_tickets_closed", "closed_at"),
        Index("ix_tickets_first_response", "first_response_at"),
        Index("ix_tickets_rated", "rated_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.user_id"))
    source_kind: Mapped[str] = mapped_column(String(16))
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    source_title: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="vi")
    status: Mapped[str] = mapped_column(String(24), default=TicketStatus.NEW, index=True)
    topic: Mapped[str] = mapped_column(String(64), default="other")
    topic_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    province_code: Mapped[int | None] = mapped_column(Integer)
    ward_code: Mapped[int | None] = mapped_column(Integer, index=True)
    candidate_wards: Mapped[list[int]] = mapped_column(default=list)
    mention: Mapped[str | None] = mapped_column(String(255))
    sub_locality: Mapped[str | None] = mapped_column(String(120))
    locality_source: Mapped[str | None] = mapped_column(String(16))
    context_ward_code: Mapped[int | None] = mapped_column(Integer)
    needs_locality: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    # Workflow: who holds it, deadlines (working time, set when forwarded), outcome and the citizen's verdict.
    assignee_id: Mapped[int | None] = mapped_column(BigInteger)
    assignee_name: Mapped[str | None] = mapped_column(String(255))
    """The assignee's Telegram name when they took it, for the card (staff only, never the citizen)."""
    first_response_due: Mapped[datetime | None] = mapped_column()
    answer_due: Mapped[datetime | None] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None] = mapped_column()
    """The first official action the citizen can see: taking it, asking for details, or answering."""
    resolved_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    resolution_note: Mapped[str | None] = mapped_column(Text)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    citizen_resolved: Mapped[bool | None] = mapped_column(Boolean)
    """The citizen's answer to "Vấn đề đã được giải quyết chưa?" (None: not asked or no answer)."""
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime | None] = mapped_column()


class TicketMessage(Base):
    """Everything a citizen sent for a ticket, and every answer: nothing is lost."""

    __tablename__ = "ticket_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(24), default="text")
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(255))
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketEvent(Base):
    """Audit trail: who did what to a ticket, and when."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlaNotice(Base):
    """A reminder, overdue mark, escalation or daily summary that was sent: recorded once under a unique
    key, so two sweeps, two instances or a restart never send it twice."""

    __tablename__ = "sla_notices"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestSubscription(Base):
    """A chat that receives the weekly digest of a scope (a unit and all below it; None: everything)."""

    __tablename__ = "digest_subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8), default="vi")
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestDelivery(Base):
    """One weekly digest sent to one chat: the unique key makes it once per chat per week."""

    __tablename__ = "digest_deliveries"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    week: Mapped[str] = mapped_column(String(10), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestOptOut(Base):
    """A chat that said /digest_unsubscribe: an admin's private chat gets no weekly digest by default."""

    __tablename__ = "digest_opt_outs"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageLink(Base):
    """A bot message (in a staff chat or a citizen's chat) that belongs to a ticket; survives restarts."""

    __tablename__ = "message_links"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))


class TicketThread(Base):
    """The forum topic of a ticket in a forum staff chat."""

    __tablename__ = "ticket_threads"
    __table_args__ = (UniqueConstraint("ticket_id", "chat_id"),)

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    thread_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))


class OutboxMessage(Base):
    """A Bot API call the bot owes because of a state change, written in the same transaction."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "chat_id", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    link_kind: Mapped[str | None] = mapped_column(String(16))
    in_ticket_thread: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    result_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    topic_name: Mapped[str | None] = mapped_column(String(128))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column()


class CorrectionExample(Base):
    """A topic or locality correction by staff or the citizen: a labelled example for the tagger."""

    __tablename__ = "correction_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InviteCode(Base):
    """A one-time code an admin gives a cadre so they can bind their account to a unit (``/join CODE``)."""

    __tablename__ = "invite_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column()
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None] = mapped_column()
