"""Ticket life cycle: an explicit table of which action moves a ticket from which state to which.

    new → forwarded → assigned → answered → resolved → closed

``reopen`` (the citizen says the problem is not solved) sends an answered or resolved ticket back to
``assigned``; the caller escalates it. ``merge`` folds an open ticket into another; ``cancel`` is the
citizen withdrawing an open ticket. ``closed``, ``merged`` and ``cancelled`` are final.
``storage.models.TicketStatus`` is this enum: what is stored is exactly these states.

Refusal reasons are English message ids (marked with ``N_``) for the handler to translate and show.
"""

from __future__ import annotations

from enum import StrEnum

from bot.marker import N_


class TicketState(StrEnum):
    NEW = "new"
    FORWARDED = "forwarded"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"
    CANCELLED = "cancelled"


class Action(StrEnum):
    FORWARD = "forward"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    ANSWER = "answer"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"
    MERGE = "merge"
    CANCEL = "cancel"


S, A = TicketState, Action

OPEN_STATES = frozenset({S.NEW, S.FORWARDED, S.ASSIGNED, S.ANSWERED})
FINAL_STATES = frozenset({S.CLOSED, S.MERGED, S.CANCELLED})

TRANSITIONS: dict[tuple[TicketState, Action], TicketState] = {
    (S.NEW, A.FORWARD): S.FORWARDED,
    (S.FORWARDED, A.ASSIGN): S.ASSIGNED,
    (S.FORWARDED, A.REASSIGN): S.FORWARDED,
    (S.FORWARDED, A.ANSWER): S.ANSWERED,
    (S.FORWARDED, A.RESOLVE): S.RESOLVED,
    (S.ASSIGNED, A.REASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.ANSWER): S.ANSWERED,
    (S.ASSIGNED, A.RESOLVE): S.RESOLVED,
    (S.ANSWERED, A.ANSWER): S.ANSWERED,
    (S.ANSWERED, A.RESOLVE): S.RESOLVED,
    (S.ANSWERED, A.REOPEN): S.ASSIGNED,
    (S.ANSWERED, A.CLOSE): S.CLOSED,
    (S.RESOLVED, A.REOPEN): S.ASSIGNED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    **{(state, A.MERGE): S.MERGED for state in OPEN_STATES},
    **{(state, A.CANCEL): S.CANCELLED for state in OPEN_STATES},
}
"""(state, action) → next state. ``reassign`` to another unit goes to ``forwarded`` instead (see ``transition``)."""

_STATE_REASONS = {
    S.RESOLVED: N_("the ticket is already resolved; only the citizen can reopen it"),
    S.CLOSED: N_("the ticket is closed; a new problem needs a new message"),
    S.MERGED: N_("the ticket was merged into another one; act on that one"),
    S.CANCELLED: N_("the citizen withdrew the ticket"),
}
"""Refusals explained by the state whatever the action (checked before ``_ACTION_REASONS``)."""
_ACTION_REASONS = {
    A.FORWARD: N_("the ticket is already with a unit; to move it, reassign it"),
    A.ASSIGN: N_("only a ticket waiting in a unit, not yet taken, can be taken"),
    A.REASSIGN: N_("only a ticket in a unit and not yet answered can be reassigned"),
    A.ANSWER: N_("the ticket must be sent to a unit before it is answered"),
    A.RESOLVE: N_("the ticket must be sent to a unit before it is marked done"),
    A.REOPEN: N_("only an answered or resolved ticket can be reopened"),
    A.CLOSE: N_("only an answered or resolved ticket can be closed"),
    A.MERGE: N_("only an open ticket can be merged"),
    A.CANCEL: N_("only an open ticket can be withdrawn"),
}
NEEDS_ANSWER_OR_NOTE = N_("send an answer or write a resolution note before marking the ticket done")


class IllegalTransition(Exception):
    """``action`` is not allowed in ``state``; ``reason`` is a message id to show the person who tried."""

    def __init__(self, state: TicketState, action: Action, reason: str) -> None:
        super().__init__(f"{action} not allowed in state {state}: {reason}")
        self.state = state
        self.action = action
        self.reason = reason


def transition(
    state: TicketState,
    action: Action,
    *,
    has_answer: bool = False,
    has_note: bool = False,
    new_unit: bool = False,
) -> TicketState:
    """The state after ``action``, or ``IllegalTransition`` with the reason.

    ``has_answer``/``has_note``: an answer was sent / the official wrote a resolution note (``/done``
    needs one of them). ``new_unit``: a reassignment moves the ticket to another unit, where it waits
    to be taken again.
    """
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise IllegalTransition(state, action, _STATE_REASONS.get(state) or _ACTION_REASONS[action])
    if action is A.RESOLVE and not (has_answer or has_note or state is S.ANSWERED):
        raise IllegalTransition(state, action, NEEDS_ANSWER_OR_NOTE)
    if action is A.REASSIGN and new_unit:
        return S.FORWARDED
    return target


def allowed_actions(state: TicketState) -> frozenset[Action]:
    """Actions the table allows in ``state`` (guards aside): what buttons a card may show."""
    return frozenset(action for (source, action) in TRANSITIONS if source is state)


__all__ = [
    "FINAL_STATES",
    "NEEDS_ANSWER_OR_NOTE",
    "OPEN_STATES",
    "TRANSITIONS",
    "Action",
    "IllegalTransition",
    "TicketState",
    "allowed_actions",
    "transition",
]
