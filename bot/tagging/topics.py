"""Topic classifier and urgent flag, driven by the editable taxonomy in ``config/topics.yaml``.

Every phrase of every topic, cue group and urgent list is looked for in one pass over the message's
folded text (``topics_scan``); at each word the longest phrase wins (so "đường dây điện" is
electricity, not roads). A match is then weighed by how well its accents agree. Topic scores are sums of phrase weights plus cue combinations; the confidence combines
the winner's margin over the runner-up with how much evidence there is.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.tagging.abbreviations import Abbreviations, phrase_tokens
from bot.tagging.topics_scan import AccentWeights, PhraseForm, PhraseScanner
from bot.tagging.types import TopicTag

OTHER = "other"
_COMBO_CACHE_SIZE = 4096  # distinct sets of cue groups remembered with their combos
_TAG_CACHE_SIZE = 4096  # distinct tags remembered


class TaxonomyError(ValueError):
    """The taxonomy file is malformed (the message says where)."""


@dataclass(frozen=True, slots=True)
class TopicInfo:
    code: str
    name_vi: str
    name_en: str
    sla: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Combo:
    """When every cue group is present: add ``weight`` to the topic's score, then multiply by ``scale``."""

    groups: tuple[int, ...]
    topic: int
    weight: float
    scale: float


@dataclass(slots=True)
class _Phrase:
    text: str
    canon: tuple[bytes, ...]
    folded: tuple[bytes, ...]
    english: bool
    topic_weights: list[tuple[int, float]] = field(default_factory=list)
    urgent_weight: float = 0.0
    groups: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the classifier saw: matched phrases with their accent quality, and per-topic scores."""

    matches: dict[str, float]
    scores: dict[str, float]
    urgent_score: float
    tag: TopicTag


def default_taxonomy_path() -> Path:
    return Path(str(importlib.resources.files("config").joinpath("topics.yaml")))


class TopicClassifier:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._compile(config)

    @classmethod
    def load(cls, path: Path | str | None = None) -> TopicClassifier:
        """Build from a taxonomy YAML file (the packaged ``config/topics.yaml`` by default)."""
        source = Path(path) if path is not None else default_taxonomy_path()
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise TaxonomyError(f"cannot read taxonomy {source}: {exc}") from exc
        if not isinstance(data, Mapping):
            raise TaxonomyError(f"{source}: top level must be a mapping")
        return cls(data)

    # ---- building -------------------------------------------------------------------------------

    def _compile(self, config: Mapping[str, Any]) -> None:
        accent = config.get("accent") or {}
        self.exact = float(accent.get("exact", 1.0))
        self.unaccented = float(accent.get("unaccented", 0.85))
        self.conflicting = float(accent.get("conflicting", 0.2))
        self.unaccented_single = float(accent.get("unaccented_single_syllable", 0.35))
        self.min_confidence = float(config.get("min_confidence", 0.3))
        self.saturation = float(config.get("saturation", 4.0))
        self.urgent_sla = str(config.get("urgent_sla", "4h"))
        self.abbreviations = Abbreviations(config.get("abbreviations") or {})
        self._phrases: list[_Phrase] = []
        self._by_key: dict[tuple[tuple[bytes, ...], bool], int] = {}
        group_index = self._compile_cues(config.get("cues") or {})
        self.topics = self._compile_topics(config.get("topics"), group_index)
        self.codes = [t.code for t in self.topics]
        if OTHER not in self.codes:
            raise TaxonomyError(f"the taxonomy must define the topic {OTHER!r}")
        self._other = self.codes.index(OTHER)
        urgent = config.get("urgent") or {}
        self.urgent_threshold = float(urgent.get("threshold", 4))
        for key, english in (("phrases", False), ("phrases_en", True)):
            for weight, phrase in _weighted(urgent.get(key) or {}, f"urgent.{key}"):
                self._phrase(phrase, english).urgent_weight = weight
        self._finish()

    def _compile_cues(self, cues: Mapping[str, Any]) -> dict[str, int]:
        group_index: dict[str, int] = {}
        for name, spec in cues.items():
            if not isinstance(spec, Mapping):
                raise TaxonomyError(f"cues.{name} must have `vi` and/or `en` lists of phrases")
            index = group_index.setdefault(str(name), len(group_index))
            for key, english in (("vi", False), ("en", True)):
                phrases = spec.get(key) or []
                if not isinstance(phrases, list):
                    raise TaxonomyError(f"cues.{name}.{key} must be a list of phrases")
                for phrase in phrases:
                    self._phrase(str(phrase), english).groups.append(index)
        return group_index

    def _compile_topics(self, topics: Any, group_index: Mapping[str, int]) -> list[TopicInfo]:
        if not isinstance(topics, list) or not topics:
            raise TaxonomyError("`topics` must be a non-empty list")
        infos: list[TopicInfo] = []
        self._combos: list[Combo] = []
        for position, spec in enumerate(topics):
            if not isinstance(spec, Mapping) or "code" not in spec:
                raise TaxonomyError(f"topics[{position}] needs a `code`")
            code = str(spec["code"])
            infos.append(
                TopicInfo(
                    code,
                    str(spec.get("name_vi", code)),
                    str(spec.get("name_en", code)),
                    spec.get("sla") or {},
                )
            )
            for key, english in (("phrases", False), ("phrases_en", True)):
                for weight, phrase in _weighted(spec.get(key) or {}, f"{code}.{key}"):
                    self._phrase(phrase, english).topic_weights.append((position, weight))
            for combo in spec.get("combos") or []:
                names = combo.get("all") or []
                missing = [n for n in names if n not in group_index]
                if missing or not names:
                    raise TaxonomyError(f"{code}.combos: unknown cue groups {missing or names}")
                groups = tuple(group_index[n] for n in names)
                weight, scale = float(combo.get("weight", 0)), float(combo.get("scale", 1))
                self._combos.append(Combo(groups, position, weight, scale))
        return infos

    def _phrase(self, text: str, english: bool) -> _Phrase:
        canon, folded = phrase_tokens(text)
        if not folded:
            raise TaxonomyError(f"empty phrase {text!r}")
        index = self._by_key.get((canon, english))
        if index is not None:
            return self._phrases[index]
        index = len(self._phrases)
        self._by_key[(canon, english)] = index
        self._phrases.append(_Phrase(text, canon, folded, english))
        return self._phrases[index]

    def _finish(self) -> None:
        forms = [PhraseForm(p.canon, p.folded, p.english, bool(p.topic_weights)) for p in self._phrases]
        accent = AccentWeights(self.exact, self.unaccented, self.conflicting, self.unaccented_single)
        self._scanner = PhraseScanner(forms, accent)
        self._weights = [(tuple(p.topic_weights), p.urgent_weight, _mask(p.groups)) for p in self._phrases]
        self._combos_by_groups: dict[int, tuple[Combo, ...]] = {}
        self._tags: dict[tuple[int | None, float, bool], TopicTag] = {}
        self._no_topic = tuple(TopicTag(OTHER, 0.0, urgent, needs_review=True) for urgent in (False, True))

    # ---- scoring --------------------------------------------------------------------------------

    def _score(self, found: Mapping[int, float]) -> tuple[list[float], float]:
        scores = [0.0] * len(self.topics)
        urgent = 0.0
        groups = 0  # cue groups present, one bit each
        weights = self._weights
        for index, quality in found.items():
            topic_weights, urgent_weight, phrase_groups = weights[index]
            for topic, weight in topic_weights:
                scores[topic] += weight * quality
            urgent += urgent_weight * quality
            groups |= phrase_groups
        if groups:
            for combo in self._combos_with(groups):
                scores[combo.topic] = (scores[combo.topic] + combo.weight) * combo.scale
        return scores, urgent

    def _combos_with(self, groups: int) -> tuple[Combo, ...]:
        """The combos, in taxonomy order, whose cue groups are all in ``groups`` (a bit mask)."""
        combos = self._combos_by_groups.get(groups)
        if combos is None:
            combos = tuple(c for c in self._combos if _mask(c.groups) & groups == _mask(c.groups))
            if len(self._combos_by_groups) < _COMBO_CACHE_SIZE:
                self._combos_by_groups[groups] = combos
        return combos

    def _decide(self, scores: list[float], urgent_score: float) -> TopicTag:
        urgent = urgent_score >= self.urgent_threshold
        ordered = sorted(scores)
        top = ordered[-1]
        if top <= 0:
            return self._no_topic[urgent]
        best = scores.index(top)
        runner_up = ordered[-2] if len(ordered) > 1 else 0.0
        margin = top / (top + max(runner_up, 0.0))
        confidence = round(margin * min(1.0, top / self.saturation), 4)
        if confidence < self.min_confidence:
            return self._tag(None, confidence, urgent)
        return self._tag(best, confidence, urgent)

    def _tag(self, topic: int | None, confidence: float, urgent: bool) -> TopicTag:
        """The tag of ``topic``, or of "other" for review when None. Tags are immutable and rounded
        confidences few, so the usual tags are made once and shared; only for positive confidences,
        which are equal only when identical (unlike 0.0 and -0.0, or NaN)."""
        key = (topic, confidence, urgent)
        tag = self._tags.get(key) if confidence > 0 else None
        if tag is None:
            if topic is None:
                tag = TopicTag(OTHER, confidence, urgent, needs_review=True)
            else:
                tag = TopicTag(self.codes[topic], confidence, urgent)
            if confidence > 0 and len(self._tags) < _TAG_CACHE_SIZE:
                self._tags[key] = tag
        return tag

    # ---- public ---------------------------------------------------------------------------------

    def classify(self, text: str) -> TopicTag:
        words = self.abbreviations.analyse(text)
        return self._decide(*self._score(self._scanner.scan(words)))

    def explain(self, text: str) -> Explanation:
        """Matched phrases, per-topic scores and the decision: for staff tuning the taxonomy."""
        words = self.abbreviations.analyse(text)
        found = self._scanner.scan(words)
        scores, urgent = self._score(found)
        return Explanation(
            matches={self._phrases[i].text: q for i, q in found.items()},
            scores={code: round(s, 3) for code, s in zip(self.codes, scores, strict=True) if s},
            urgent_score=round(urgent, 3),
            tag=self._decide(scores, urgent),
        )

    def info(self, code: str) -> TopicInfo:
        return self.topics[self.codes.index(code)]


def _mask(groups: Iterable[int]) -> int:
    return sum({1 << group for group in groups})


def _weighted(groups: Any, where: str) -> list[tuple[float, str]]:
    """``{weight: [phrase, ...]}`` → ``[(weight, phrase), ...]``."""
    if not isinstance(groups, Mapping):
        raise TaxonomyError(f"{where} must map a weight to a list of phrases")
    out: list[tuple[float, str]] = []
    for weight, phrases in groups.items():
        try:
            value = float(weight)
        except (TypeError, ValueError) as exc:
            raise TaxonomyError(f"{where}: weight {weight!r} is not a number") from exc
        if not isinstance(phrases, list):
            raise TaxonomyError(f"{where}.{weight} must be a list of phrases")
        out.extend((value, str(p)) for p in phrases)
    return out


__all__ = ["OTHER", "Explanation", "TaxonomyError", "TopicClassifier", "TopicInfo", "default_taxonomy_path"]
