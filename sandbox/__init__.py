"""A strict local Telegram Bot API emulator and its Python driver (see sandbox.driver.Sandbox)."""

from sandbox.calls import Call
from sandbox.driver import ChatHandle, Sandbox
from sandbox.errors import StrictViolation
from sandbox.people import Person, SandboxUsageError
from sandbox.strict import Violation

__all__ = ["Call", "ChatHandle", "Person", "Sandbox", "SandboxUsageError", "StrictViolation", "Violation"]
