"""Run every benchmark module listed in ``MODULES``; exit non-zero when any of them misses a target."""

from __future__ import annotations

import importlib
import sys

MODULES: tuple[str, ...] = ("bench.tagging", "bench.seeding", "bench.digest")


def main() -> int:
    failed: list[str] = []
    for name in MODULES:
        print(f"== {name}")
        code = int(importlib.import_module(name).main())
        if code != 0:
            failed.append(name)
        print()
    if failed:
        print("targets missed in: " + ", ".join(failed), file=sys.stderr)
        return 1
    print("all benchmark targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
