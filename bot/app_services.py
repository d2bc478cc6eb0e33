"""The services of a running bot, built once and handed to the handlers as ``services``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.answers import AnswerService
from bot.services.base import Core
from bot.services.citizens import CitizenService
from bot.services.forwarding import Forwarding
from bot.services.intake import IntakeService
from bot.services.org import OrgService
from bot.services.workflow import TicketActions


@dataclass(frozen=True)
class Services:
    core: Core
    forwarding: Forwarding
    intake: IntakeService
    answers: AnswerService
    citizens: CitizenService
    org: OrgService
    actions: TicketActions

    @classmethod
    def build(cls, core: Core) -> Services:
        forwarding = Forwarding(core)
        return cls(
            core=core,
            forwarding=forwarding,
            intake=IntakeService(core, forwarding),
            answers=AnswerService(core, forwarding),
            citizens=CitizenService(core, forwarding),
            org=OrgService(core, forwarding),
            actions=TicketActions(core, forwarding, AnswerService(core, forwarding)),
        )
