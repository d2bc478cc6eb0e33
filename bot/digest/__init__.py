"""Weekly digests: figures over a scope of units and a period, rendered as text or JSON.

``period`` reads the period, ``scope`` decides whose tickets a reader sees, ``figures`` holds and defines
every number, ``service`` computes them through ``storage.repositories.digests``, ``render_text`` writes
the Telegram message.
"""
