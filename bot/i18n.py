"""Translations: gettext catalogues in ``config/locales`` read straight from their ``.po`` files.

A locale's catalogue is every ``*.po`` in its ``LC_MESSAGES`` folder merged (``messages.po`` first, then the
others by name): each feature can keep its own file.

Messages are written in English in the code (msgid) and translated to Vietnamese, the default.
``render()`` is how every user-facing HTML text is produced: values are escaped unless wrapped in ``Safe``,
so nothing a citizen or official typed can inject markup.
"""

from __future__ import annotations

import gettext
import html
import io
from functools import lru_cache
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.marker import N_

LOCALES_DIR = Path(__file__).resolve().parent.parent / "config" / "locales"
DOMAIN = "messages"
SUPPORTED = ("vi", "en")


class Safe(str):
    """A value already safe for Telegram HTML (built by us, not typed by a person)."""


class Translator(I18n):
    """aiogram's I18n, compiling each ``.po`` in memory so no compile step is needed."""

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for directory in sorted(self.path.iterdir()):
            files = sorted(
                (directory / "LC_MESSAGES").glob("*.po"), key=lambda p: (p.stem != self.domain, p.name)
            )
            if not files:
                continue
            catalog = _merged(files, directory.name)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations[directory.name] = gettext.GNUTranslations(buffer)
        return translations


def _merged(files: list[Path], locale: str) -> Catalog:
    with files[0].open("rb") as source:
        catalog = read_po(source, locale=locale)
    for path in files[1:]:
        with path.open("rb") as source:
            for message in read_po(source, locale=locale):
                if message.id and message.string:
                    catalog[message.id] = message
    return catalog


@lru_cache(maxsize=4)
def get_translator(default_locale: str = "vi") -> Translator:
    return Translator(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


def language_of(code: str | None, default: str = "vi") -> str:
    """Our language for a Telegram ``language_code`` ("en-US" → "en"; anything unknown → default)."""
    if code:
        short = code.split("-")[0].lower()
        if short in SUPPORTED:
            return short
    return default


def gettext_for(locale: str, message: str) -> str:
    return get_translator().gettext(message, locale=locale)


def _escape(value: object) -> str:
    if isinstance(value, Safe):
        return str(value)
    return html.escape(str(value), quote=False)


def render(locale: str, message: str, /, **values: object) -> str:
    """Translate ``message`` to ``locale`` and fill ``{name}`` placeholders with escaped values."""
    return gettext_for(locale, message).format(**{key: _escape(value) for key, value in values.items()})


__all__ = ["N_", "SUPPORTED", "Safe", "Translator", "get_translator", "gettext_for", "language_of", "render"]
