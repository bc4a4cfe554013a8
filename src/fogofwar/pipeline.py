"""The pipeline: the one ordered list of stages, and the per-document boundary.

Data flows ingest → nlp → places, times, actors → events (mentions) →
roles (who did it to whom) → happenings (one event per happening) → claims →
assessment (status and factuality). Each stage is a pure function of the
parsed document and what earlier stages found; `STAGES` names what each
requires and provides, and a test walks the list as spaCy's analyze_pipes
does. `process_document` is the one place where a failure becomes an error
row.
"""
from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from . import actors as actors_stage
from . import claims as claims_stage
from . import events as events_stage
from . import factuality as factuality_stage
from . import happenings as happenings_stage
from . import places as places_stage
from . import roles as roles_stage
from . import times as times_stage
from .errors import DocumentError, ErrorCode
from .gazetteer import Gazetteer, load_gazetteer
from .ingest import FailedDocument, RawDocument, clean_text, prepare_document
from .models import ErrorInfo, Result, SourceDocument
from .nlp import allow_length, load_nlp, parse_many, parse_text, release
from .settings import Settings

__all__ = ["Stage", "STAGES", "Resources", "load_resources", "analyze", "process_document", "extract", "check_stages"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resources:
    """What the stages need that is loaded once per process: the gazetteer and the actor dictionary."""

    settings: Settings
    gazetteer: Gazetteer
    actor_dictionary: actors_stage.ActorDictionary


def load_resources(settings: Settings) -> Resources:
    """Load the models and tables a run needs (cached per process)."""
    load_nlp(settings.model)
    resources = Resources(settings, load_gazetteer(settings.cache_dir),
                          actors_stage.load_actor_dictionary(str(settings.actors_file) if settings.actors_file else None))
    _freeze_loaded()
    return resources


@functools.cache
def _freeze_loaded() -> None:
    """Keep what is loaded by now out of the cyclic collector's full scans, once per process: the model,
    gazetteer and tables are millions of objects that live as long as the process, and walking them took
    0.4 s of every full collection, which fell inside whichever stage was running on a long document."""
    gc.freeze()


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: a function of (doc, source, found, resources) returning records."""

    name: str
    run: Callable[[Doc, SourceDocument, dict[str, Any], Resources], Any]
    requires: tuple[str, ...]
    provides: str


STAGES: tuple[Stage, ...] = (
    Stage("places", lambda doc, src, found, res: places_stage.find_places(doc, src, res.gazetteer),
          requires=("doc",), provides="places"),
    Stage("times", lambda doc, src, found, res: times_stage.find_times(doc, src),
          requires=("doc",), provides="times"),
    Stage("actors", lambda doc, src, found, res: actors_stage.find_actors(doc, src, res.gazetteer, res.actor_dictionary,
                                                                           found["places"]),
          requires=("doc", "places"), provides="actors"),
    Stage("mentions", lambda doc, src, found, res: events_stage.find_events(doc, src, found["places"], found["times"], found["actors"]),
          requires=("doc", "places", "times", "actors"), provides="mentions"),
    Stage("roles", lambda doc, src, found, res: roles_stage.assign_roles(doc, found["mentions"], found["places"], found["actors"],
                                                                          res.gazetteer, res.actor_dictionary),
          requires=("doc", "mentions", "places", "actors"), provides="roled_mentions"),
    Stage("happenings", lambda doc, src, found, res: happenings_stage.resolve_happenings(doc, src, found["roled_mentions"], found["places"]),
          requires=("doc", "roled_mentions", "places"), provides="events"),
    Stage("claims", lambda doc, src, found, res: claims_stage.find_claims(doc, src, found["actors"], found["events"]),
          requires=("doc", "actors", "events"), provides="claims"),
    Stage("assessment", lambda doc, src, found, res: factuality_stage.assess_events(doc, found["events"], found["claims"]),
          requires=("doc", "events", "claims"), provides="assessments"),
    Stage("predicates", lambda doc, src, found, res: factuality_stage.find_predicates(doc, src) if res.settings.predicates else [],
          requires=("doc",), provides="predicates"),
)


def check_stages(stages: Iterable[Stage] = STAGES) -> list[str]:
    """Problems in the stage order: a requirement no earlier stage provides."""
    available = {"doc"}
    problems = []
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            problems.append(f"stage {stage.name!r} requires {missing} before it runs")
        available.add(stage.provides)
    return problems


def analyze(doc: Doc, source: SourceDocument, resources: Resources) -> Result:
    """Run every stage on a parsed document and assemble its result row."""
    found: dict[str, Any] = {}
    for stage in STAGES:
        found[stage.provides] = stage.run(doc, source, found, resources)
    assessments = {a.event_id: a for a in found["assessments"]}
    events = [happenings_stage.within_report(
        e.model_copy(update={"status": assessments[e.id].status, "factuality": assessments[e.id].factuality,
                             "claims": list(assessments[e.id].claims)}), source.published)
        for e in found["events"]]
    return Result(id=source.id, url=source.url, outlet=source.outlet, title=source.title, published=source.published,
                  language="en", text=source.text, places=found["places"], times=found["times"],
                  actors=found["actors"], events=events, claims=found["claims"], predicates=found["predicates"])


def error_result(item: RawDocument | FailedDocument | SourceDocument, code: str, message: str) -> Result:
    """The row of a document that could not be analysed."""
    fields = item.fields if isinstance(item, FailedDocument) else {
        "url": item.url, "outlet": item.outlet, "title": item.title, "published": item.published}
    text = "" if isinstance(item, FailedDocument) or code == ErrorCode.TOO_LARGE else clean_text(item.text)
    return Result(id=item.id, url=fields.get("url"), outlet=fields.get("outlet"), title=fields.get("title"),
                  published=fields.get("published"), text=text, error=ErrorInfo(code=code, message=message))


def process_document(raw: RawDocument, settings: Settings, resources: Resources | None = None) -> Result:
    """Analyse one document; any failure becomes its error row."""
    resources = load_resources(settings) if resources is None else dataclasses.replace(resources, settings=settings)
    try:
        source = prepare_document(raw, settings)
    except DocumentError as exc:
        return error_result(raw, exc.code, exc.message)
    nlp = load_nlp(settings.model)
    allow_length(nlp, settings.max_chars)
    try:
        doc = parse_text(nlp, source.text)
    except Exception as exc:
        return _parse_failure(source, exc)
    return _safe_analyze(doc, source, resources)


def _parse_failure(source: SourceDocument, exc: Exception) -> Result:
    log.warning("document %s could not be parsed: %s", source.id, exc)
    return error_result(source, ErrorCode.INTERNAL, f"the parser failed: {type(exc).__name__}: {exc}")


def _safe_analyze(doc: Doc, source: SourceDocument, resources: Resources) -> Result:
    try:
        return analyze(doc, source, resources)
    except DocumentError as exc:
        return error_result(source, exc.code, exc.message)
    except Exception as exc:  # a bug must cost one document, not the batch
        log.warning("document %s failed: %s", source.id, exc)
        log.debug("%s", traceback.format_exc())
        return error_result(source, ErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}")
    finally:
        release(doc)


def extract(items: Iterable[RawDocument | FailedDocument], settings: Settings) -> Iterator[Result]:
    """Stream result rows for documents, in input order, parsing in batches."""
    resources = load_resources(settings)

    def prepared() -> Iterator[tuple[str, Any]]:
        for item in items:
            if isinstance(item, FailedDocument):
                yield "", error_result(item, item.code, item.message)
                continue
            try:
                source = prepare_document(item, settings)
            except DocumentError as exc:
                yield "", error_result(item, exc.code, exc.message)
                continue
            yield source.text, source

    for doc, context in parse_many(prepared(), settings.model, settings.batch_size, settings.max_chars):
        if isinstance(context, Result):
            yield context
        elif isinstance(doc, Exception):
            yield _parse_failure(context, doc)
        else:
            yield _safe_analyze(doc, context, resources)
