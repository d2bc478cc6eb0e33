"""Tagging engine: locality (current and pre-2025 names) and topic of a citizen's message.

A pure library: no Telegram, no database. ``tag(text, context)`` is the one entry point the bot uses.
"""

from __future__ import annotations

import gc
from functools import lru_cache

from bot.tagging.types import LocalityTag, TagContext, Tags, TopicTag

NO_CONTEXT = TagContext()


class Tagger:
    """Holds the built indexes; build once per process (``get_tagger()``) and share."""

    def __init__(self) -> None:
        from bot.tagging.locality import LocalityResolver
        from bot.tagging.topics import TopicClassifier

        self.localities = LocalityResolver.build()
        self.topics = TopicClassifier.load()

    def tag(self, text: str, context: TagContext = NO_CONTEXT) -> Tags:
        locality = self.localities.resolve(text, context)
        topic = self.topics.classify(text)
        return Tags(
            topic=topic.topic,
            topic_confidence=topic.confidence,
            urgent=topic.urgent,
            locality=locality,
            needs_review=topic.needs_review,
            data_version=self.localities.data_version,
        )


@lru_cache(maxsize=1)
def get_tagger() -> Tagger:
    """The process's tagger. Its indexes live as long as the process, so they are moved out of the
    garbage collector's reach (``gc.freeze``): full collections would otherwise walk them and add
    milliseconds to unlucky messages."""
    tagger = Tagger()
    gc.collect()
    gc.freeze()
    return tagger


def tag(text: str, context: TagContext = NO_CONTEXT) -> Tags:
    return get_tagger().tag(text, context)


__all__ = ["LocalityTag", "TagContext", "Tagger", "Tags", "TopicTag", "get_tagger", "tag"]
