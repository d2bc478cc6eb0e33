"""Inline keyboards and their callback data. Callback data carries no authority: handlers re-check it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, render


class TicketAction(CallbackData, prefix="tk"):
    """A citizen's action on their ticket: ``fix_topic``, ``fix_place``, ``topic`` (value), ``ward`` (value)."""

    ticket_id: int
    action: str
    value: str = ""


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


class SettingChoice(CallbackData, prefix="set"):
    name: str
    value: str


def as_payload(markup: InlineKeyboardMarkup) -> dict[str, Any]:
    """The JSON form stored in the outbox."""
    return markup.model_dump(mode="json", exclude_none=True)


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def correction_keyboard(ticket_id: int, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    render(locale, N_("✏️ Change topic")),
                    TicketAction(ticket_id=ticket_id, action="fix_topic"),
                ),
                button(
                    render(locale, N_("📍 Change place")),
                    TicketAction(ticket_id=ticket_id, action="fix_place"),
                ),
            ]
        ]
    )


def choices_keyboard(
    ticket_id: int, action: str, choices: Sequence[tuple[str, str]], per_row: int = 1
) -> InlineKeyboardMarkup:
    """One button per (value, label)."""
    buttons = [
        button(label, TicketAction(ticket_id=ticket_id, action=action, value=value))
        for value, label in choices
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    )


def language_keyboard(selected: str) -> InlineKeyboardMarkup:
    labels = {"vi": "Tiếng Việt", "en": "English"}
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(("✓ " if code == selected else "") + label, LanguageChoice(code=code))
                for code, label in labels.items()
            ]
        ]
    )


class Verdict(CallbackData, prefix="vd"):
    """The citizen's answer after a ticket is resolved: ``resolved`` yes/no, or a ``rating`` of 1–5."""

    ticket_id: int
    kind: str
    value: int


def verdict_keyboard(ticket_id: int, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(render(locale, N_("✅ Yes, resolved")), Verdict(ticket_id=ticket_id, kind="resolved", value=1)),
                button(render(locale, N_("❌ Not yet")), Verdict(ticket_id=ticket_id, kind="resolved", value=0)),
            ],
            [button("⭐" * stars, Verdict(ticket_id=ticket_id, kind="rating", value=stars)) for stars in range(1, 6)],
        ]
    )
