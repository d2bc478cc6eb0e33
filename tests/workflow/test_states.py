"""Ticket life cycle: every (state, action) pair, legal or refused."""

from __future__ import annotations

import itertools

import pytest

from bot.workflow.states import (
    NEEDS_ANSWER_OR_NOTE,
    Action,
    IllegalTransition,
    TicketState,
    allowed_actions,
    transition,
)
from storage.models import TicketStatus

S, A = TicketState, Action

# Written out by hand from the workflow description, independently of the module's table.
LEGAL = {
    (S.NEW, A.FORWARD): S.FORWARDED,
    (S.NEW, A.MERGE): S.MERGED,
    (S.NEW, A.CANCEL): S.CANCELLED,
    (S.FORWARDED, A.ASSIGN): S.ASSIGNED,
    (S.FORWARDED, A.REASSIGN): S.FORWARDED,
    (S.FORWARDED, A.ANSWER): S.ANSWERED,
    (S.FORWARDED, A.RESOLVE): S.RESOLVED,
    (S.FORWARDED, A.MERGE): S.MERGED,
    (S.FORWARDED, A.CANCEL): S.CANCELLED,
    (S.ASSIGNED, A.REASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.ANSWER): S.ANSWERED,
    (S.ASSIGNED, A.RESOLVE): S.RESOLVED,
    (S.ASSIGNED, A.MERGE): S.MERGED,
    (S.ASSIGNED, A.CANCEL): S.CANCELLED,
    (S.ANSWERED, A.ANSWER): S.ANSWERED,
    (S.ANSWERED, A.RESOLVE): S.RESOLVED,
    (S.ANSWERED, A.REOPEN): S.ASSIGNED,
    (S.ANSWERED, A.CLOSE): S.CLOSED,
    (S.ANSWERED, A.MERGE): S.MERGED,
    (S.ANSWERED, A.CANCEL): S.CANCELLED,
    (S.RESOLVED, A.REOPEN): S.ASSIGNED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
}
REFUSED = [pair for pair in itertools.product(S, A) if pair not in LEGAL]


@pytest.mark.parametrize(("state", "action"), list(LEGAL))
def test_legal_transitions(state: TicketState, action: Action) -> None:
    assert transition(state, action, has_answer=True, has_note=True) is LEGAL[state, action]


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_refused_transitions_say_why(state: TicketState, action: Action) -> None:
    with pytest.raises(IllegalTransition) as refusal:
        transition(state, action, has_answer=True, has_note=True)
    assert (refusal.value.state, refusal.value.action) == (state, action)
    assert refusal.value.reason
    assert refusal.value.reason in str(refusal.value)


@pytest.mark.parametrize(
    ("state", "action", "words"),
    [
        (S.CLOSED, A.REOPEN, "closed; a new problem needs a new message"),
        (S.MERGED, A.ANSWER, "merged into another one"),
        (S.CANCELLED, A.ASSIGN, "withdrew"),
        (S.RESOLVED, A.ANSWER, "already resolved"),
        (S.NEW, A.ANSWER, "sent to a unit before it is answered"),
        (S.ASSIGNED, A.ASSIGN, "not yet taken"),
        (S.FORWARDED, A.CLOSE, "only an answered or resolved ticket"),
    ],
)
def test_refusal_reasons_fit_the_situation(state: TicketState, action: Action, words: str) -> None:
    with pytest.raises(IllegalTransition, match=words):
        transition(state, action)


@pytest.mark.parametrize("state", [S.FORWARDED, S.ASSIGNED])
def test_done_needs_an_answer_or_a_resolution_note(state: TicketState) -> None:
    with pytest.raises(IllegalTransition) as refusal:
        transition(state, A.RESOLVE)
    assert refusal.value.reason == NEEDS_ANSWER_OR_NOTE
    assert transition(state, A.RESOLVE, has_note=True) is S.RESOLVED
    assert transition(state, A.RESOLVE, has_answer=True) is S.RESOLVED


def test_an_answered_ticket_can_be_marked_done_without_a_note() -> None:
    assert transition(S.ANSWERED, A.RESOLVE) is S.RESOLVED


@pytest.mark.parametrize("state", [S.FORWARDED, S.ASSIGNED])
def test_reassigning_to_another_unit_waits_there_to_be_taken(state: TicketState) -> None:
    assert transition(state, A.REASSIGN, new_unit=True) is S.FORWARDED


def test_a_whole_life_with_one_reopen_ends_closed() -> None:
    state = S.NEW
    for action in (A.FORWARD, A.ASSIGN, A.ANSWER, A.RESOLVE, A.REOPEN, A.ANSWER, A.CLOSE):
        state = transition(state, action)
    assert state is S.CLOSED


def test_allowed_actions_match_the_table() -> None:
    for state in S:
        assert allowed_actions(state) == {action for (source, action) in LEGAL if source is state}


def test_stored_statuses_keep_their_meaning() -> None:
    assert {status.value for status in TicketStatus} <= {state.value for state in S}
