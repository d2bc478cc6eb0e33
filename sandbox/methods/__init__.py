"""Bot API method handlers; importing this package registers them all."""

from sandbox.methods import bot, callbacks, forum, media, messages, updates_api
from sandbox.methods.registry import HANDLERS

__all__ = ["HANDLERS", "bot", "callbacks", "forum", "media", "messages", "updates_api"]
