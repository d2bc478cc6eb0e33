"""What the deadline sweep says: reminders, overdue notices, escalation headers, summaries, closing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, render

REMINDER = N_("⏰ Reflection #{number}: {hours} working hours left until the answer is due ({due}).")
FIRST_RESPONSE_LATE = N_(
    "⏳ Reflection #{number}: no official has taken it yet; the first response was due {due}. "
    "Press 🙋 Take on its card."
)
OVERDUE = N_("⚠️ Reflection #{number} is overdue: the answer was due {due}.")
OVERDUE_REPORTED = N_(
    "⚠️ Reflection #{number} is overdue: the answer was due {due}. It was reported to {unit}."
)
ESCALATION = N_("⚠️ <b>Answer overdue:</b> reflection #{number} of {unit}, due {due}")
ESCALATION_AGAIN = N_(
    "⚠️ <b>Answer still overdue (level {level}):</b> reflection #{number} of {unit}, due {due}"
)
AUTO_CLOSED = N_(
    "🔒 Reflection #{number} is now closed: there was no reply within 7 days after it was marked resolved. "
    "To raise a new problem, just send a new message."
)
SUMMARY_HEADER = N_("📋 <b>Daily summary, {date}</b>: {open} open reflections, {overdue} of them overdue.")
SUMMARY_LINE = N_("#{number} · {headline} — {age}")
AGE_TODAY = N_("today")
AGE_DAYS = N_("{days} days")
MARK_OVERDUE = N_("⚠️ <b>overdue</b>")
MARK_ANSWERED = N_("answered")
SUMMARY_MORE = N_("… and {count} more.")


def short_time(moment: datetime, tz: ZoneInfo) -> str:
    """``dd/mm HH:MM`` in the offices' time zone."""
    return moment.astimezone(tz).strftime("%d/%m %H:%M")


def full_time(moment: datetime, tz: ZoneInfo) -> str:
    """``HH:MM dd/mm/yyyy``, as cards show times."""
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y")


def hours(left: timedelta, locale: str) -> str:
    """Working time left in hours, one decimal at most ("7", "1,5" in Vietnamese)."""
    value = round(max(left, timedelta()).total_seconds() / 3600, 1)
    text = f"{value:.1f}".removesuffix(".0")
    return text.replace(".", ",") if locale == "vi" else text


def age(created: datetime, now: datetime, locale: str) -> str:
    days = (now - created).days
    return render(locale, AGE_TODAY) if days <= 0 else render(locale, AGE_DAYS, days=days)
