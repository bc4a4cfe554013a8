"""Errors and their codes.

Hierarchy:

    FogofwarError          anything this package raises on purpose
    ├── DocumentError      one document cannot be read; becomes its error row
    ├── InputError         an input (file, folder, stream) cannot be opened at all
    └── WorkerError        the worker processes keep dying before they extract anything

A `DocumentError` never stops a batch: `pipeline.process_document` turns it,
or any other exception, into the row's `error: {code, message}`.
"""
from __future__ import annotations

__all__ = ["ErrorCode", "FogofwarError", "DocumentError", "InputError", "WorkerError"]


class ErrorCode:
    """The `error.code` values a result row can carry."""

    EMPTY = "empty"                  # no text at all, or only whitespace
    BINARY = "binary"                # bytes that are not text
    ENCODING = "encoding"            # text in an encoding we cannot decode
    TOO_LARGE = "too_large"          # over Settings.max_chars
    TOO_COMPLEX = "too_complex"      # more words and marks than Settings.max_tokens, or long runs of punctuation
    NOT_ENGLISH = "not_english"      # fogofwar reads English only
    MALFORMED_JSON = "malformed_json"  # a JSON Lines line that does not parse
    BAD_ROW = "bad_row"              # valid JSON, but not a document object
    DUPLICATE_ID = "duplicate_id"    # an id an earlier document of the same run already has
    NO_MAIN_TEXT = "no_main_text"    # HTML or feed entry with nothing to read
    UNREADABLE = "unreadable"        # an OS error while reading one file
    FETCH_FAILED = "fetch_failed"    # `watch`: a page that could not be fetched (HTTP error, timeout, redirect loop)
    NOT_HTTP = "not_http"            # `watch`: a link or redirect to a scheme other than http(s)
    ROBOTS_DISALLOWED = "robots_disallowed"  # `watch`: the site's robots.txt forbids fetching the page
    INTERNAL = "internal"            # a bug: an unexpected exception in a stage


class FogofwarError(Exception):
    """Base class of the errors fogofwar raises."""


class DocumentError(FogofwarError):
    """One document cannot be analysed; the reason goes into its error row."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class InputError(FogofwarError):
    """An input named by the user cannot be opened at all."""


class WorkerError(FogofwarError):
    """Worker processes die before they extract a document (a model that fails to load), again and again."""
