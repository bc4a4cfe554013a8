"""Casualty figures (killed, injured, missing, detained, with their counts) and means of attack.

A figure's count is read off the parse: the number attached to the predicate's victim noun
(nummod, with its quantmod chain such as "at least"), a bare number standing as the victim
("killing 11"), or a number on the predicate itself ("11 dead", "12 deaths"). Every word list
lives in data/casualties.json and data/means.json.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import SimpleNamespace

from spacy.tokens import Doc, Span, Token

from .lexicons import load_table
from .nlp import doc_text

__all__ = ["Figure", "find_casualties", "parse_count", "find_means"]


@dataclass(frozen=True)
class Figure:
    """One stated casualty figure: what happened to how many, in which words, on which predicate."""

    kind: str            # "killed" | "injured" | "missing" | "detained"
    min: int | None
    max: int | None
    text: str            # the count and the predicate as the report states them
    start: int           # char offsets into doc.text, [start, end)
    end: int
    anchor: int          # Token.i of the casualty predicate


# (min, max, tokens stating the count)
Count = tuple[int | None, int | None, list[Token]]

_DIGITS = re.compile(r"\d[\d,]*(\.\d+)?")
_NOT_A_HEADCOUNT = {"DATE", "TIME", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"}


@functools.cache
def _casualty_words() -> SimpleNamespace:
    table = load_table("casualties")
    bounds = [(tuple(phrase.split()), kind) for kind, phrases in table["bounds"].items() for phrase in phrases]
    return SimpleNamespace(
        kind_of={word: kind for kind, words in table["predicates"].items() for word in words},
        bounds=sorted(bounds, key=lambda b: -len(b[0])),
        **{key: frozenset(table[key]) for key in (
            "captive_verbs", "captive_complements", "subject_is_victim", "toll_nouns", "toll_preps",
            "victims", "group_counts", "vague", "zero", "singular", "range_joiners")},
        numbers=table["numbers"], scales=table["scales"])


# ---- counts -------------------------------------------------------------------------------

def parse_count(words: str) -> tuple[int | None, int | None]:
    """(min, max) of a stated count."""
    lex = _casualty_words()
    pieces = _count_pieces(words)
    bound, pieces = _strip_bound(pieces, lex)
    if bound is None and pieces and pieces[0] in lex.zero:
        return 0, 0
    low, rest = _read_number(pieces, lex)
    if low is None:
        return None, None
    if rest and rest[0] in lex.range_joiners:
        high, _ = _read_number(rest[1:], lex)
        if high is not None:
            return low, high
    return _bounded(bound, low)


def _count_pieces(words: str) -> list[str]:
    text = re.sub(r"[\u2013\u2014]", "-", words.lower())
    text = re.sub(r"(?<=\d)\s*-\s*(?=\d)", " to ", text)   # "10-15" is a range
    text = text.replace("-", " ")                           # "twenty-three", "anti-tank"
    return [w for w in (w.strip(".,;:()\"'") for w in text.split()) if w]


def _strip_bound(pieces: list[str], lex) -> tuple[str | None, list[str]]:
    for phrase, kind in lex.bounds:
        if tuple(pieces[:len(phrase)]) == phrase:
            return kind, pieces[len(phrase):]
    return None, pieces


def _read_number(pieces: list[str], lex) -> tuple[int | None, list[str]]:
    """The number that opens `pieces` ("1,200", "a hundred", "twenty three") and the words after it."""
    total, current, seen, after_scale = 0.0, 0.0, False, False
    i = 0
    for i, word in enumerate(pieces):
        following = pieces[i + 1] if i + 1 < len(pieces) else None
        if _DIGITS.fullmatch(word) and not seen:
            current = float(word.replace(",", ""))
        elif word in lex.numbers:
            current += lex.numbers[word]
        elif word in lex.singular and not seen and following not in lex.vague:
            current = 1                                     # "a dozen", "a man"; not "a few"
        elif word in lex.scales and seen:
            scale = lex.scales[word]
            if scale >= 1000:
                total, current = total + (current or 1) * scale, 0
            else:
                current = (current or 1) * scale
            after_scale = True
            continue
        elif word == "and" and after_scale and following in lex.numbers:
            continue                                        # "one hundred and twenty"
        else:
            break
        seen, after_scale = True, False
    else:
        i = len(pieces)
    return (int(total + current), pieces[i:]) if seen else (None, pieces)


# What each kind of bound in the table makes of the number n it qualifies.
_BOUNDED = {"at_least": lambda n: (n, None), "more_than": lambda n: (n + 1, None),
            "at_most": lambda n: (None, n), "fewer_than": lambda n: (None, n - 1)}


def _bounded(bound: str | None, n: int) -> tuple[int | None, int | None]:
    return _BOUNDED.get(bound, lambda n: (n, n))(n)


# ---- figures ------------------------------------------------------------------------------

def find_casualties(doc: Doc, start_char: int = 0, end_char: int | None = None) -> list[Figure]:
    """Every casualty figure whose predicate lies in [start_char, end_char), in text order."""
    text = doc_text(doc)
    end_char = len(text) if end_char is None else min(end_char, len(text))
    if start_char >= end_char:
        return []
    region = doc.char_span(max(start_char, 0), end_char, alignment_mode="expand")
    figures = []
    for token in region if region is not None else doc:
        if start_char <= token.idx < end_char:
            kind = _predicate_kind(token)
            figure = kind and _figure_of(token, kind, text)
            if figure:
                figures.append(figure)
    return figures


def _predicate_kind(token: Token) -> str | None:
    lex = _casualty_words()
    if token.pos_ in ("PRON", "DET", "ADP", "AUX"):
        return None
    lemma = token.lemma_.lower()
    kind = lex.kind_of.get(lemma) or lex.kind_of.get(token.lower_)
    if kind is None and lemma in lex.captive_verbs and _captive_complement(token) is not None:
        kind = "detained"                                   # "taken prisoner", "held hostage"
    return kind


def _captive_complement(token: Token) -> Token | None:
    lex = _casualty_words()
    return next((c for c in token.children if c.dep_ in ("oprd", "attr", "xcomp", "dobj")
                 and c.lemma_.lower() in lex.captive_complements), None)


def _figure_of(predicate: Token, kind: str, text: str) -> Figure | None:
    count = _own_count(predicate) or _toll_count(predicate) or _victims_count(predicate)
    if count is None:
        return None
    low, high, tokens = count
    extra = [c for c in predicate.children if c.dep_ == "compound"]    # "death toll"
    captive = _captive_complement(predicate) if kind == "detained" else None
    tokens = [*tokens, predicate, *extra, *([captive] if captive is not None else [])]
    first, last = min(tokens, key=lambda t: t.i), max(tokens, key=lambda t: t.i)
    start, end = first.idx, last.idx + len(last.text)
    return Figure(kind, low, high, text[start:end], start, end, predicate.i)


def _own_count(predicate: Token) -> Count | None:
    """A count on the predicate itself: "11 dead", "12 deaths", "no casualties"."""
    number = next((c for c in predicate.children if c.dep_ == "nummod"), None)
    if number is not None:
        return _number_count(number)
    return _determiner_count(predicate, _casualty_words()) if predicate.pos_ in ("NOUN", "ADJ") else None


def _toll_count(predicate: Token) -> Count | None:
    """The number a toll rose to, stood at or reached: "the death toll rose to 20"."""
    lex = _casualty_words()
    if predicate.lemma_.lower() not in lex.toll_nouns:
        return None
    holders = [predicate] + ([predicate.head] if predicate.dep_ in ("nsubj", "nsubjpass") else [])
    for holder in holders:
        for child in holder.children:
            if child.dep_ in ("dobj", "attr") and child.like_num:
                return _number_count(child)
            if child.dep_ == "prep" and child.lower_ in lex.toll_preps:
                number = next((g for g in child.children if g.dep_ == "pobj" and g.like_num), None)
                if number is not None:
                    return _number_count(number)
    return None


def _victims_count(predicate: Token) -> Count | None:
    """The count of the predicate's victims, summed over conjoined victims ("two soldiers and three civilians")."""
    victim = _victim_of(predicate)
    if victim is None:
        return None
    counts = [c for c in map(_victim_count, [victim, *victim.conjuncts]) if c is not None]
    if not counts:
        return None
    mins = [c[0] for c in counts if c[0] is not None]
    maxes = [c[1] for c in counts]
    return (sum(mins) if mins else None, None if None in maxes else sum(maxes),
            [t for c in counts for t in c[2]])


def _victim_of(predicate: Token) -> Token | None:
    """Who suffered: the passive or intransitive subject, the object, or the noun the predicate modifies."""
    lex = _casualty_words()
    if predicate.dep_ in ("acl", "amod", "relcl"):
        return predicate.head                               # "11 people killed", "the people who died"
    by_dep = {}
    for child in predicate.children:
        by_dep.setdefault(child.dep_, child)
    if "nsubjpass" in by_dep or "dobj" in by_dep:
        return by_dep.get("nsubjpass", by_dep.get("dobj"))
    if predicate.dep_ == "oprd":                            # "left five people dead"
        return next((c for c in predicate.head.children if c.dep_ == "dobj"), None)
    if predicate.dep_ == "acomp":                           # "remained missing"
        return next((c for c in predicate.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    subject = by_dep.get("nsubj")
    # An active subject kills; it is the victim only of dying, of a participle, or as a bare count.
    if subject is not None and (predicate.lemma_.lower() in lex.subject_is_victim
                                or predicate.lower_ in lex.subject_is_victim
                                or _reads_passive(predicate) or _is_bare_count(subject)):
        return subject
    return None


def _reads_passive(predicate: Token) -> bool:
    """A past participle without "have": "10 injured" in "five dead and 10 injured"."""
    return predicate.tag_ == "VBN" and not any(c.dep_ == "aux" and c.lemma_ == "have" for c in predicate.children)


def _victim_count(victim: Token) -> Count | None:
    lex = _casualty_words()
    if victim.lemma_.lower() in lex.zero:
        return 0, 0, [victim]                               # "killing nobody"
    if _is_bare_count(victim):
        return None if victim.ent_type_ in _NOT_A_HEADCOUNT else _number_count(victim)
    if not (victim.lemma_.lower() in lex.victims or victim.ent_type_ == "NORP"):
        return None
    number = next((c for c in victim.children if c.dep_ == "nummod"), None)
    count = _number_count(number) if number is not None else _determiner_count(victim, lex)
    if count is None and victim.tag_ in ("NN", "NNP"):
        article = next((c for c in victim.children if c.dep_ == "det" and c.lower_ in lex.singular), None)
        count = (1, 1, [article]) if article is not None else None   # "a woman was killed"
    return None if count is None else (count[0], count[1], [*count[2], victim])


def _is_bare_count(token: Token) -> bool:
    return token.like_num or token.pos_ == "NUM" or token.lemma_.lower() in _casualty_words().group_counts


def _determiner_count(noun: Token, lex) -> Count | None:
    """ "no civilians" is none; "several soldiers", "many deaths" are an unstated number."""
    for child in noun.children:
        if child.dep_ == "det" and child.lower_ in lex.zero:
            return 0, 0, [child]
        if child.dep_ in ("det", "amod") and child.lower_ in lex.vague:
            return None, None, [child]
    return None


def _number_count(number: Token) -> Count:
    words = list(number.subtree)
    low, high = parse_count(number.doc[words[0].i:words[-1].i + 1].text)
    return low, high, words


# ---- means --------------------------------------------------------------------------------

@functools.cache
def _means_index() -> SimpleNamespace:
    table = load_table("means")
    by_first: dict[str, list[tuple[tuple[str, ...], str | None, str]]] = {}
    entries = [(phrase, means, constraint) for means, spec in table["means"].items()
               for constraint, phrases in spec.items() for phrase in phrases]
    entries += [(phrase, None, "words") for phrase in table["not_means"]]
    for phrase, means, constraint in entries:
        pieces = tuple(re.findall(r"[a-z0-9]+", phrase.lower()))
        by_first.setdefault(pieces[0], []).append((pieces, means, constraint))
    for candidates in by_first.values():
        candidates.sort(key=lambda c: -len(c[0]))           # the longest phrase wins: "suicide bomber"
    context = {key: frozenset(words) for key, words in table["laying_context"].items()}
    return SimpleNamespace(by_first=by_first, order=list(table["means"]), context=context)


def find_means(span: Span) -> list[str]:
    """How an attack was done, from the closed list, in a fixed order, no duplicates; [] when unsaid."""
    index = _means_index()
    # Each piece: (word, lemma when the token is one piece, token); hyphens split "S-300", "anti-tank".
    pieces = []
    for token in span:
        parts = re.findall(r"[a-z0-9]+", token.lower_)
        lemma = token.lemma_.lower() if len(parts) == 1 else None
        pieces += [(part, lemma, token) for part in parts]
    found, i = set(), 0
    while i < len(pieces):
        length, means = _match_at(pieces, i, index)
        if means:
            found.add(means)
        i += max(length, 1)
    return [means for means in index.order if means in found]


def _match_at(pieces: list, i: int, index) -> tuple[int, str | None]:
    word, lemma, _ = pieces[i]
    candidates = index.by_first.get(word, []) + (index.by_first.get(lemma, []) if lemma != word else [])
    for phrase, means, constraint in sorted(candidates, key=lambda c: -len(c[0])):
        run = pieces[i:i + len(phrase)]
        if len(run) == len(phrase) and all(p in (w, l) for p, (w, l, _) in zip(phrase, run)) \
                and _fits(run[-1][2], constraint, index.context):
            return len(phrase), means
    return 0, None


def _fits(token: Token, constraint: str, context: dict) -> bool:
    if constraint == "nouns":
        return token.pos_ in ("NOUN", "PROPN")
    if constraint == "verbs":
        return token.pos_ == "VERB"
    if constraint == "in_context":
        return token.pos_ == "NOUN" and _laid_mine(token, context)
    return token.pos_ != "PRON"


def _laid_mine(token: Token, context: dict) -> bool:
    """A mine is a weapon when it is laid, stepped on or cleared, or named as one ("anti-tank")."""
    modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")]
    if any(m.lower_ in context["modifiers"] for m in modifiers):
        return True
    if any(m.dep_ == "compound" for m in modifiers):
        return False                                        # "coal mine", "gold mine"
    head = token.head.head if token.head.pos_ == "ADP" else token.head
    if token.dep_ == "compound" or head.pos_ == "NOUN":
        return head.lemma_.lower() in context["heads"]      # "mine blast"
    return head.pos_ == "VERB" and head.lemma_.lower() in context["verbs"]
