from aiogram.fsm.state import State, StatesGroup


class CitizenFlow(StatesGroup):
    fresh = State()
    """After a bare /new: the next message opens a new ticket."""
    place = State()
    """The citizen is typing the commune of ticket ``ticket_id`` (in the FSM data)."""
