"""Typed records of the output contract (SPEC.md, schema 2).

One set of models serves the stages, the CLI, the store, the API and the
exports. Offsets are character offsets, [start, end), into `Result.text`.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Span",
    "Place",
    "Time",
    "Actor",
    "EventActor",
    "Plover",
    "Acled",
    "EventLocation",
    "EventDate",
    "Mention",
    "Casualty",
    "Event",
    "Cue",
    "ClaimSource",
    "Claim",
    "Predicate",
    "ErrorInfo",
    "Result",
    "SourceDocument",
]

SCHEMA_VERSION = 2

Stance = Literal["assert", "deny", "doubt", "allege", "acknowledge", "believe", "warn", "predict"]
ClaimKind = Literal["direct", "indirect", "mixed", "according_to"]
Status = Literal[
    "asserted", "reported", "alleged", "disputed", "denied", "unconfirmed",
    "hedged", "negated", "hypothetical", "future",
]
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Record):
    start: int
    end: int
    text: str


class Place(Span):
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = None
    feature: str | None = None


class Time(Span):
    type: TimexType
    value: str


class Actor(Span):
    code: str
    country: str | None = None
    sector: str | None = None
    name: str | None = None


class EventActor(Record):
    text: str
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    start: int | None = None
    end: int | None = None


class Plover(Record):
    type: str
    mode: str | None = None
    context: list[str] = Field(default_factory=list)


class Acled(Record):
    event_type: str
    sub_event_type: str


class EventLocation(Record):
    place: int | None = None
    precision: int | None = None


class EventDate(Record):
    value: str | None = None
    precision: int | None = None
    text: str | None = None


class Mention(Record):
    """One place in the text that names a happening: a verb, a noun, an anaphoric "the strike"."""

    trigger: Span
    sentence: dict[str, int]


class Casualty(Record):
    """A casualty figure as the report states it: "at least 11" is min 11, max None; "dozens" has neither."""

    min: int | None = None
    max: int | None = None
    text: str
    start: int
    end: int


CasualtyKind = Literal["killed", "injured", "missing", "detained"]


class Event(Record):
    """A happening: every mention in the document of one real-world event (schema 2)."""

    id: str
    trigger: Span
    sentence: dict[str, int]
    mentions: list[Mention] = Field(default_factory=list)
    plover: Plover
    cameo: str | None = None
    acled: Acled | None = None
    actor: list[EventActor] = Field(default_factory=list)
    recipient: list[EventActor] = Field(default_factory=list)
    location: EventLocation = Field(default_factory=EventLocation)
    date: EventDate = Field(default_factory=EventDate)
    factuality: float = 3.0
    status: Status = "asserted"
    claims: list[str] = Field(default_factory=list)
    background: bool = False
    casualties: dict[CasualtyKind, Casualty] = Field(default_factory=dict)
    means: list[str] = Field(default_factory=list)
    habitual: bool = False   # every mention tells a running state or habit ("have been shelling since March")


class Cue(Span):
    lemma: str


class ClaimSource(Span):
    code: str | None = None


class Claim(Record):
    id: str
    source: ClaimSource | None = None
    cue: Cue
    content: Span
    kind: ClaimKind
    stance: Stance
    events: list[str] = Field(default_factory=list)


class Predicate(Span):
    factuality: float


class ErrorInfo(Record):
    code: str
    message: str


class Result(Record):
    """One output row: a document and everything found in it."""

    schema_: int = Field(default=SCHEMA_VERSION, alias="schema")
    id: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    language: str | None = None
    text: str = ""
    error: ErrorInfo | None = None
    places: list[Place] = Field(default_factory=list)
    times: list[Time] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    predicates: list[Predicate] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        """The row as one line of JSON, every top-level key present."""
        # JSON may hold U+2028, U+2029 and U+0085 raw, but str.splitlines() and many readers end a line at them.
        return self.model_dump_json(by_alias=True).translate(_LINE_BREAK_ESCAPES)


_LINE_BREAK_ESCAPES = {0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\u0085"}


class SourceDocument(Record):
    """A document as read from input, before any analysis.

    `furniture` lists the spans of page furniture (share buttons, read times,
    bylines) that every stage ignores; they stay in `text`.
    """

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    furniture: list[tuple[int, int]] = Field(default_factory=list)
