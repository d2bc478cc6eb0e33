"""How tickets are shown to people: acknowledgements, cards, answers, lists. HTML, escaped, translated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.i18n import N_, Safe, render
from bot.tagging import Tagger
from storage.models import OPEN_STATUSES, Citizen, Ticket, TicketStatus

STATUS_NAMES = {
    TicketStatus.NEW: N_("received"),
    TicketStatus.FORWARDED: N_("sent to the unit"),
    TicketStatus.ANSWERED: N_("answered"),
    TicketStatus.ASSIGNED: N_("being handled"),
    TicketStatus.RESOLVED: N_("resolved"),
    TicketStatus.CLOSED: N_("closed"),
    TicketStatus.MERGED: N_("merged"),
    TicketStatus.CANCELLED: N_("withdrawn"),
}
ANONYMOUS = N_("Anonymous citizen")
UNKNOWN_PLACE = N_("place not known yet")


@dataclass(frozen=True)
class Presenter:
    """Turns tickets into texts; knows the tagger's names for topics and places."""

    tagger: Tagger
    tz: ZoneInfo

    def topic_name(self, code: str, locale: str) -> str:
        try:
            info = self.tagger.topics.info(code)
        except ValueError:
            return code
        return info.name_vi if locale == "vi" else info.name_en

    def place(self, ticket: Ticket, locale: str) -> str:
        if ticket.ward_code is not None:
            return self.tagger.localities.ward_label(ticket.ward_code)
        if ticket.province_code is not None:
            return self.tagger.localities.province_name(ticket.province_code)
        return render(locale, UNKNOWN_PLACE)

    def short_place(self, ticket: Ticket) -> str:
        if ticket.ward_code is not None:
            name = self.tagger.localities.ward_name(ticket.ward_code)
            return name.split(" ", 1)[1] if name.startswith(("Xã ", "Phường ")) else name
        if ticket.province_code is not None:
            return self.tagger.localities.province_name(ticket.province_code)
        return "?"

    def headline(self, ticket: Ticket, locale: str) -> str:
        """ "Giao thông · Xã Vĩnh Tường, Nghệ An"."""
        return f"{self.topic_name(ticket.topic, locale)} · {self.place(ticket, locale)}"

    def forum_topic_name(self, ticket: Ticket, locale: str) -> str:
        return f"#{ticket.id} · {self.topic_name(ticket.topic, locale)} · {self.short_place(ticket)}"[:128]

    def when(self, ticket: Ticket) -> str:
        return ticket.created_at.astimezone(self.tz).strftime("%H:%M %d/%m/%Y")

    def acknowledgement(self, ticket: Ticket, locale: str, unit_name: str | None) -> str:
        lines = [
            render(locale, N_("✅ Received: reflection <b>#{number}</b>"), number=ticket.id),
            render(locale, "{headline}", headline=self.headline(ticket, locale)),
        ]
        if unit_name:
            lines.append(render(locale, N_("Handled by: {unit}"), unit=unit_name))
        lines.append(render(locale, N_("To add photos or details, reply to this message.")))
        return "\n".join(lines)

    def card(self, ticket: Ticket, citizen: Citizen, locale: str) -> str:
        """The card in the staff chat, as the ticket is now (it is edited after every change)."""
        lines = [render(locale, N_("📨 <b>Reflection #{number}</b>"), number=ticket.id)]
        if ticket.urgent:
            lines[0] += " " + render(locale, N_("🔴 <b>URGENT</b>"))
        topic = render(locale, N_("Topic: {topic}"), topic=self.topic_name(ticket.topic, locale))
        if ticket.needs_review:
            topic += " " + render(locale, N_("(please check the topic)"))
        lines.append(topic)
        place = self.place(ticket, locale)
        if ticket.sub_locality:
            place = f"{place} · {ticket.sub_locality}"
        lines.append(render(locale, N_("Place: {place}"), place=place))
        if ticket.source_kind == "group":
            lines.append(render(locale, N_("From: group “{title}”"), title=ticket.source_title or ""))
        else:
            lines.append(render(locale, N_("From: private chat with the bot")))
        lines.append(render(locale, N_("Citizen: {name}"), name=Safe(self.citizen_name(citizen, locale))))
        lines.append(render(locale, N_("Time: {time}"), time=self.when(ticket)))
        status = render(locale, N_("Status: {status}"), status=self.status_name(ticket, locale))
        if ticket.overdue and TicketStatus(ticket.status) in OPEN_STATUSES:
            status += " " + render(locale, N_("⚠️ <b>overdue</b>"))
        lines.append(status)
        if ticket.assignee_id is not None:
            name = ticket.assignee_name or f"#{ticket.assignee_id}"
            lines.append(render(locale, N_("Handled by official: {name}"), name=name))
        if citizen.unreachable and ticket.source_kind == "private":
            lines.append(render(locale, N_("⚠️ The citizen has blocked the bot: answers cannot reach them.")))
        lines.append(
            render(locale, N_("↩️ Reply to this message (or write in this topic) to answer the citizen."))
        )
        return "\n".join(lines)

    def citizen_name(self, citizen: Citizen, locale: str) -> str:
        if citizen.anonymous:
            return render(locale, ANONYMOUS)
        name = render(locale, "{name}", name=citizen.display_name or str(citizen.user_id))
        if citizen.username:
            name += render(locale, " (@{username})", username=citizen.username)
        return name

    def answer_header(self, ticket: Ticket, locale: str, unit_name: str) -> str:
        return render(
            locale, N_("<b>Answer to reflection #{number} — {unit}:</b>"), number=ticket.id, unit=unit_name
        )

    def status_name(self, ticket: Ticket, locale: str) -> str:
        return render(locale, STATUS_NAMES.get(TicketStatus(ticket.status), ticket.status))

    def ticket_list(self, tickets: Sequence[Ticket], locale: str) -> str:
        if not tickets:
            return render(locale, N_("You have not sent any reflection yet."))
        lines = [render(locale, N_("<b>Your reflections</b>"))]
        for ticket in tickets:
            lines.append(
                render(
                    locale,
                    "#{number} · {headline} — {status}",
                    number=ticket.id,
                    headline=self.headline(ticket, locale),
                    status=self.status_name(ticket, locale),
                )
            )
        return "\n".join(lines)
