"""Every message the bot can show has a Vietnamese translation: an untranslated one would reach citizens and
officials in English."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"N_": None, "render": (2,)}
PLACEHOLDER = re.compile(r"\{[^}]*\}|<[^>]*>")


def shown_messages() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers"):
        for _, _, message, _, _ in extract_from_dir(ROOT / package, keywords=KEYWORDS, comment_tags=()):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def translations(locale: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((ROOT / "config" / "locales" / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            merged |= {str(m.id): str(m.string) for m in read_po(file) if m.id and m.string}
    return merged


def has_words(message: str) -> bool:
    return any(char.isalpha() for char in PLACEHOLDER.sub("", message))


def test_every_message_with_words_has_a_vietnamese_translation() -> None:
    messages = shown_messages()
    assert len(messages) > 200, "the extraction found the bot's messages"
    vietnamese = translations("vi")
    missing = sorted(m for m in messages if has_words(m) and m not in vietnamese)
    assert missing == []


def test_translations_keep_the_placeholders() -> None:
    for source, translated in translations("vi").items():
        assert set(re.findall(r"\{\w*\}", source)) == set(re.findall(r"\{\w*\}", translated)), source
