"""Deadlines at run time: the sweep that reminds, escalates, closes and summarises (see ``sweep``)."""

from bot.sla.sweep import SlaSweeper, SweepReport

__all__ = ["SlaSweeper", "SweepReport"]
