"""/start, /help, /settings and the language choice."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.app_services import Services
from bot.i18n import N_, render
from bot.keyboards import LanguageChoice, SettingChoice, button, language_keyboard
from handlers.parsing import person

PRIVACY = N_(
    "🔒 <b>Privacy</b>: the bot keeps what you send it, with your Telegram name, to pass it to the "
    "responsible government unit. Only that unit's officials and the administrators see it. "
    "You can hide your name from officials in /settings."
)
WELCOME = N_("👋 Welcome to Đối Thoại. Choose your language:")
INVITE = N_(
    "✍️ Write your question or reflection, in your own words (you can add photos, documents, voice "
    "messages or your location). Say where it happens (commune or ward) if you can."
)
HELP = N_(
    "<b>How it works</b>\n"
    "• Write your question or reflection; you get a number like #123.\n"
    "• Messages within 10 minutes, or replies to the bot's message, are added to the same reflection.\n"
    "• /new — start a new reflection\n"
    "• /mytickets — your reflections and their status\n"
    "• /settings — language, anonymity\n"
    "The answer of the responsible unit arrives here."
)


async def start(message: Message, services: Services) -> None:
    assert message.from_user is not None
    citizen = await services.citizens.start(person(message.from_user))
    locale = citizen.language or services.core.settings.default_language
    await message.answer(render(locale, WELCOME), reply_markup=language_keyboard(locale))
    await message.answer(render(locale, PRIVACY) + "\n\n" + render(locale, INVITE))


async def choose_language(query: CallbackQuery, callback_data: LanguageChoice, services: Services) -> None:
    citizen = await services.citizens.set_language(person(query.from_user), callback_data.code)
    locale = citizen.language or "vi"
    await query.answer(render(locale, N_("Language saved.")))
    if isinstance(query.message, Message):
        await query.message.answer(render(locale, PRIVACY) + "\n\n" + render(locale, INVITE))


async def help_(message: Message, locale: str) -> None:
    await message.answer(render(locale, HELP))


def settings_keyboard(locale: str, anonymous: bool) -> InlineKeyboardMarkup:
    anonymity = N_("🙈 Anonymous to officials: ON") if anonymous else N_("👤 Anonymous to officials: OFF")
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    render(locale, anonymity),
                    SettingChoice(name="anonymous", value="0" if anonymous else "1"),
                )
            ],
            [
                button("Tiếng Việt" + (" ✓" if locale == "vi" else ""), LanguageChoice(code="vi")),
                button("English" + (" ✓" if locale == "en" else ""), LanguageChoice(code="en")),
            ],
        ]
    )


async def settings(message: Message, services: Services, locale: str) -> None:
    assert message.from_user is not None
    citizen = await services.citizens.start(person(message.from_user))
    text = render(
        locale,
        N_("⚙️ <b>Settings</b>\nWhen anonymity is on, officials see “Anonymous citizen” and not your name."),
    )
    await message.answer(text, reply_markup=settings_keyboard(locale, citizen.anonymous))


async def toggle_anonymous(
    query: CallbackQuery, callback_data: SettingChoice, services: Services, locale: str
) -> None:
    citizen = await services.citizens.set_anonymous(person(query.from_user), callback_data.value == "1")
    state = N_("Anonymity is on.") if citizen.anonymous else N_("Anonymity is off.")
    await query.answer(render(locale, state))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=settings_keyboard(locale, citizen.anonymous))


def build() -> Router:
    router = Router(name="common")
    router.message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    router.callback_query.register(choose_language, LanguageChoice.filter())
    router.message.register(help_, Command("help"))
    router.message.register(settings, Command("settings"))
    router.callback_query.register(toggle_anonymous, SettingChoice.filter(F.name == "anonymous"))
    return router
