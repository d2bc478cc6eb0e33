"""``N_``: marks an English message id for translation where it is defined (rendered later by
``bot.i18n.render``). Kept free of imports so domain modules can use it without loading aiogram."""


def N_(message: str) -> str:
    return message
