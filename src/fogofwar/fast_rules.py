"""Faster stand-ins for the model's two rule components, with the same output.

spaCy's attribute ruler runs a Matcher of about 180 one-token patterns over every
token and applies each match through a new Span; its English lemmatizer calls
`Token.morph.to_dict()` for every token whose lemma is its base form and caches
nothing for those. Together they took about a fifth of the parse. Both answers
depend only on a few attributes of a token (and, for a handful of patterns, of its
neighbour), so here each is computed once per distinct signature and cached.

`install(nlp)` swaps them in when the model's rules use only what the compiled
matcher understands; otherwise spaCy's own components stay. A test parses our
sample reports with and without them and requires identical annotations.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, NORM, ORTH, POS, TAG
from spacy.language import Language
from spacy.lookups import Lookups, Table
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

__all__ = ["install", "CachedLemmatizer", "CompiledAttributeRuler"]

log = logging.getLogger(__name__)

# A cache is dropped when it grows past this, so a long stream cannot grow it without bound.
MAX_CACHE_ENTRIES = 500_000

# Token attributes a pattern may test, all stored on the token as string hashes or flags.
_HASHED = {"ORTH": ORTH, "LOWER": LOWER, "NORM": NORM, "TAG": TAG, "DEP": DEP}
_FLAGS = {"IS_SPACE": IS_SPACE}


class UnsupportedPattern(ValueError):
    """A rule the compiled matcher does not understand; spaCy's own ruler is kept."""


class CachedLemmatizer:
    """The model's rule lemmatizer, its answer cached per (word, part of speech, morphology).

    The lemmatizer is taken out of the pipeline first, so its tables are ours to change: its index
    of known words per part of speech is a list of up to 21,000 words searched by `in`, made a set
    here (it is only ever used for membership).
    """

    def __init__(self, lemmatizer: Any):
        lemmatizer.lookups = _with_index_sets(lemmatizer.lookups)
        self.lemmatizer = lemmatizer
        self.strings = lemmatizer.vocab.strings
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self.cache
        if len(cache) > MAX_CACHE_ENTRIES:
            cache.clear()
        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            # As spaCy's: a lemma already set (by the attribute ruler) is kept.
            if lemma == 0:
                key = (orth, pos, morph)
                lemma = cache.get(key)
                if lemma is None:
                    lemma = cache[key] = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                lemmas[i] = lemma
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


def _with_index_sets(lookups: Lookups) -> Lookups:
    """A copy of lemmatizer lookups whose "lemma_index" lists are frozensets."""
    copied = Lookups()
    for name in lookups.tables:
        table = lookups.get_table(name)
        if name == "lemma_index":
            table = _table_of_sets(name, table)
        copied.set_table(name, table)
    return copied


def _table_of_sets(name: str, table: Table) -> Table:
    sets = Table(name)
    for key, words in table.items():
        sets[key] = frozenset(words)
    return sets


def _token_test(strings: Any, attr: str, value: Any) -> tuple[int, frozenset[int] | Callable[[int], bool]]:
    """(column, test) for one key of a Matcher token pattern; the test is the set of allowed values
    when it is one (equality, IN, a flag), so it can be looked up instead of run."""
    if attr in _FLAGS:
        if not isinstance(value, bool):
            raise UnsupportedPattern(f"{attr}: {value!r}")
        return _FLAGS[attr], frozenset([int(value)])
    if attr not in _HASHED:
        raise UnsupportedPattern(attr)
    column = _HASHED[attr]
    if isinstance(value, str):
        return column, frozenset([strings.add(value)])
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "IN":
            return column, frozenset(strings.add(s) for s in arg)
        if op == "NOT_IN":
            return column, lambda v, banned=frozenset(strings.add(s) for s in arg): v not in banned
        if op == "REGEX":
            return column, lambda v, search=re.compile(arg).search: bool(search(strings[v]))
    raise UnsupportedPattern(f"{attr}: {value!r}")


class CompiledAttributeRuler:
    """The model's attribute ruler, with its patterns compiled to tests on a token's signature.

    Each (rule, position) of a pattern is a slot. For each attribute the patterns read, the slots
    a value passes are computed once per distinct value, as bits; a token fits the slots in the AND
    of its values' bits, and the rules that follow from those bits are computed once per mask.
    Rules are applied in the ruler's order (a later rule overrides an earlier one), as spaCy does.
    """

    def __init__(self, ruler: Any):
        self.ruler = ruler
        strings = ruler.vocab.strings
        self.columns: list[int] = []
        # Each slot is (rule id, position in its pattern, tests as (column index, test)).
        self.slots: list[tuple[int, int, list[tuple[int, frozenset[int] | Callable[[int], bool]]]]] = []
        self.multi: list[tuple[int, int, list[int]]] = []  # (rule id, target index, slot of each position)
        # spaCy keys rule i as str(i) and applies matches sorted by it, so i is also the order.
        for rule, spec in enumerate(ruler.patterns):
            for pattern in spec["patterns"]:
                if not pattern or any("OP" in t for t in pattern):
                    raise UnsupportedPattern(str(pattern))
                index = spec.get("index", 0)
                target = index if index >= 0 else len(pattern) + index
                if not 0 <= target < len(pattern):
                    raise UnsupportedPattern(f"index {index} outside {pattern}")
                slot_ids = []
                for position, token_pattern in enumerate(pattern):
                    tests = []
                    for attr, value in token_pattern.items():
                        column, test = _token_test(strings, attr, value)
                        if column not in self.columns:
                            self.columns.append(column)
                        tests.append((self.columns.index(column), test))
                    slot_ids.append(len(self.slots))
                    self.slots.append((rule, position, tests))
                if len(pattern) > 1:
                    self.multi.append((rule, target, slot_ids))
        everything = (1 << len(self.slots)) - 1
        # Per column: the slots with no test on it (they fit any value), the slots a value
        # fits by lookup, and the slots whose test must run.
        self.untested = [everything] * len(self.columns)
        self.allowed_by_value: list[dict[int, int]] = [{} for _ in self.columns]
        self.run_tests: list[list[tuple[int, Callable[[int], bool]]]] = [[] for _ in self.columns]
        for slot, (_, _, tests) in enumerate(self.slots):
            for column, test in tests:
                self.untested[column] &= ~(1 << slot)
                if isinstance(test, frozenset):
                    for value in test:
                        self.allowed_by_value[column][value] = self.allowed_by_value[column].get(value, 0) | 1 << slot
                else:
                    self.run_tests[column].append((slot, test))
        multi_slots = {slot for _, _, ids in self.multi for slot in ids}
        self.single_mask = everything & ~sum(1 << slot for slot in multi_slots)
        self.starting_at: dict[int, list[tuple[int, int, list[int]]]] = {}
        for rule, target, slot_ids in self.multi:
            self.starting_at.setdefault(slot_ids[0], []).append((rule, target, slot_ids))
        self.value_masks: list[dict[int, int]] = [{} for _ in self.columns]
        self.fit_cache: dict[int, tuple[tuple[int, ...], int]] = {}
        self.merged_cache: dict[tuple[int, ...], dict] = {}

    def _value_mask(self, column: int, value: int) -> int:
        """The slots whose test on `column` (if any) passes for `value`, as bits."""
        mask = self.untested[column] | self.allowed_by_value[column].get(value, 0)
        for slot, test in self.run_tests[column]:
            if test(value):
                mask |= 1 << slot
        return mask

    def _fits(self, mask: int) -> tuple[tuple[int, ...], int]:
        """(rules taken alone by a token fitting these slots, slots of longer rules it fits)."""
        single = tuple(sorted({self.slots[s][0] for s in range(len(self.slots)) if mask >> s & 1 and self.single_mask >> s & 1}))
        return single, mask & ~self.single_mask

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        value_masks = self.value_masks
        for masks in value_masks:
            if len(masks) > MAX_CACHE_ENTRIES:
                masks.clear()
        fit_cache = self.fit_cache
        classified = []
        for signature in doc.to_array(self.columns).tolist():
            mask = -1
            for column, value in enumerate(signature):
                bits = value_masks[column].get(value)
                if bits is None:
                    bits = value_masks[column][value] = self._value_mask(column, value)
                mask &= bits
            found = fit_cache.get(mask)
            if found is None:
                found = fit_cache[mask] = self._fits(mask)
            classified.append(found)
        # Every match is found before any is applied, as with spaCy's Matcher.
        rules_at: dict[int, list[int]] = {}
        for i, (single, _) in enumerate(classified):
            if single:
                rules_at[i] = list(single)
        n = len(doc)
        for start, (_, fillable) in enumerate(classified):
            if not fillable:
                continue
            for first, patterns in self.starting_at.items():
                if not fillable >> first & 1:
                    continue
                for rule, target, slot_ids in patterns:
                    if start + len(slot_ids) <= n and all(
                            classified[start + k][1] >> slot_ids[k] & 1 for k in range(1, len(slot_ids))):
                        rules_at.setdefault(start + target, []).append(rule)
        for i, rules in rules_at.items():
            key = tuple(sorted(rules))
            attrs = self.merged_cache.get(key)
            if attrs is None:
                attrs = {}
                for rule in key:
                    attrs.update(self.ruler.attrs[rule])
                self.merged_cache[key] = attrs
            set_token_attrs(doc[i], attrs)
        return doc


def install(nlp: Language) -> list[str]:
    """Swap in the faster components where the model's rules allow; the names of those swapped."""
    swapped = []
    if "attribute_ruler" in nlp.pipe_names:
        try:
            CompiledAttributeRuler(nlp.get_pipe("attribute_ruler"))
        except UnsupportedPattern as exc:
            log.info("keeping spaCy's attribute ruler: %s", exc)
        else:
            nlp.add_pipe("fow_compiled_attribute_ruler", after="attribute_ruler")
            nlp.remove_pipe("attribute_ruler")
            swapped.append("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = nlp.get_pipe("lemmatizer")
        if getattr(lemmatizer, "mode", None) == "rule" and getattr(lemmatizer, "overwrite", True) is False:
            nlp.add_pipe("fow_cached_lemmatizer", after="lemmatizer")
            nlp.remove_pipe("lemmatizer")
            swapped.append("lemmatizer")
    return swapped


# The factories wrap the pipeline's own component of that kind, so they are added just after it.
@Language.factory("fow_compiled_attribute_ruler")
def make_compiled_attribute_ruler(nlp: Language, name: str) -> CompiledAttributeRuler:
    return CompiledAttributeRuler(nlp.get_pipe("attribute_ruler"))


@Language.factory("fow_cached_lemmatizer")
def make_cached_lemmatizer(nlp: Language, name: str) -> CachedLemmatizer:
    return CachedLemmatizer(nlp.get_pipe("lemmatizer"))
