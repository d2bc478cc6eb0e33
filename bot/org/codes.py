"""Which locality and topic codes an organisation file may use."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from vietnam_provinces import ProvinceCode, WardCode

import config
from bot.org.spec import ANY

TOPICS_FILE = Path(config.__file__).resolve().parent / "topics.yaml"
DEFAULT_TOPICS = frozenset(
    {
        "land",
        "compensation",
        "transport",
        "water",
        "electricity",
        "environment",
        "construction",
        "education",
        "health",
        "social_welfare",
        "security",
        "admin_procedure",
        "reorganization",
        "agriculture",
        "officials",
        "other",
    }
)


def is_province(code: int) -> bool:
    try:
        ProvinceCode(code)
    except ValueError:
        return False
    return True


def is_ward(code: int) -> bool:
    try:
        WardCode(code)
    except ValueError:
        return False
    return True


def is_locality(code: int) -> bool:
    """A current (post-2025) province or ward code."""
    return is_province(code) or is_ward(code)


def _codes_of(topics: Any) -> frozenset[str]:
    if isinstance(topics, dict):
        return frozenset(str(code) for code in topics)
    if isinstance(topics, list):
        return frozenset(str(item["code"]) for item in topics if isinstance(item, dict) and "code" in item)
    return frozenset()


@lru_cache(maxsize=4)
def topic_codes(path: Path = TOPICS_FILE) -> frozenset[str]:
    """The topics of the taxonomy file (a mapping by code, or a list of entries with ``code``), and ``*``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    codes = _codes_of(data.get("topics")) if isinstance(data, dict) else frozenset()
    return (codes or DEFAULT_TOPICS) | {ANY}
