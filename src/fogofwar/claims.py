"""Claims: who says what, with which cue, and how the source stands to it.

Indirect speech is a reporting verb with a clausal complement ("Russia said
its troops began pulling out"); direct speech a quotation beside a reporting
verb; "according to X" attributes the rest of its sentence; "accused X of
Y" carries its of-phrase; "as the ministry reported" attributes the clause it
modifies. A source's stance comes from its cue, its negation ("could not
confirm") and, for neutral cues, from the content's own cue ("said they
believed" → believe).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actors import actor_at
from .lexicons import load_table
from .models import Actor, Claim, ClaimSource, Cue, Event, SourceDocument, Span as TextSpan
from .spans import inside_any, strip_span

__all__ = ["find_claims", "find_quotes", "CueTable", "load_cues"]

OPENING_QUOTES = "“\"«"
CLOSING_FOR = {"“": "”", "«": "»", '"': '"'}
NEUTRAL_STANCES = {"assert"}
MAX_QUOTE_CHARS = 3000


@dataclass(frozen=True)
class CueTable:
    verbs: dict[str, str]
    negated_doubt: frozenset[str]
    negated_deny: frozenset[str]
    according_to: tuple[str, ...]


@functools.cache
def load_cues() -> CueTable:
    t = load_table("cues")
    return CueTable(t["verbs"], frozenset(t["negated_doubt"]), frozenset(t["negated_deny"]), tuple(t["according_to"]))


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quotations, quote marks included; curly and straight, running over paragraphs."""
    quotes = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in OPENING_QUOTES:
            close = CLOSING_FOR[ch]
            j = text.find(close, i + 1, min(n, i + MAX_QUOTE_CHARS))
            if ch == '"' and j == -1:
                i += 1
                continue
            if j == -1:
                i += 1
                continue
            # A new paragraph that opens with a quote mark continues the same quotation.
            quotes.append((i, j + 1))
            i = j + 1
            continue
        i += 1
    return quotes


def find_claims(doc: Doc, source: SourceDocument, actors: list[Actor], events: list[Event]) -> list[Claim]:
    """Every attribution in a parsed document, linked to the events its content carries."""
    cues = load_cues()
    quotes = find_quotes(doc.text)
    raw: list[dict] = []
    taken_cues: set[int] = set()
    for sent in doc.sents:
        if inside_any(source.furniture, sent.start_char):
            continue
        for token in sent:
            if token.i in taken_cues:
                continue
            claim = (_verbal_claim(token, sent, cues, quotes) or _according_to_claim(token, sent, cues))
            if claim:
                taken_cues.add(token.i)
                raw.append(claim)
    claims = []
    for number, c in enumerate(sorted(raw, key=lambda c: c["cue"][0]), start=1):
        claims.append(_make_claim(doc, number, c, actors, events))
    return claims


def _make_claim(doc: Doc, number: int, c: dict, actors: list[Actor], events: list[Event]) -> Claim:
    text = doc.text
    cs, ce = c["content"]
    source = None
    if c.get("source"):
        ss, se = c["source"]
        head = c.get("source_head")
        actor = actor_at(actors, head[0], head[1]) if head else None
        source = ClaimSource(start=ss, end=se, text=text[ss:se], code=actor.code if actor else None)
    linked = [e.id for e in events if cs <= e.trigger.start < ce]
    return Claim(
        id=f"c{number}",
        source=source,
        cue=Cue(start=c["cue"][0], end=c["cue"][1], text=text[c["cue"][0]:c["cue"][1]], lemma=c["lemma"]),
        content=TextSpan(start=cs, end=ce, text=text[cs:ce]),
        kind=c["kind"],
        stance=c["stance"],
        events=linked,
    )


def _verbal_claim(token: Token, sent: Span, cues: CueTable, quotes: list[tuple[int, int]]) -> dict | None:
    lemma = token.lemma_.lower()
    if token.pos_ not in ("VERB", "AUX") or lemma not in cues.verbs:
        return None
    content = None
    kind = "indirect"
    ccomp = next((c for c in token.children if c.dep_ in ("ccomp",)), None)
    if ccomp is not None:
        content = _subtree_span(ccomp, skip_marks=True)
    elif lemma in ("accuse", "charge", "blame"):
        obj = next((c for c in token.children if c.dep_ == "dobj"), None)
        prep = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "with")), None)
        if obj is not None and prep is not None:
            content = (obj.left_edge.idx, _end(prep.right_edge))
    elif any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children) and token.dep_ == "advcl":
        head = token.head
        start = head.left_edge.idx
        end = token.left_edge.idx
        content = strip_span(sent.doc.text, max(start, sent.start_char), end)
    if content is None:
        misparsed = _misparsed_cue(token)
        if misparsed is not None:
            return misparsed | {"lemma": lemma, "stance": _stance(token, lemma, cues, None)}
        quote = _adjacent_quote(token, sent, quotes)
        if quote is None:
            return None
        content, kind = quote, "direct"
    else:
        inside = [q for q in quotes if content[0] <= q[0] and q[1] <= content[1] + 1]
        if inside:
            kind = "mixed"
        if any(q[0] <= content[0] and content[1] <= q[1] for q in quotes):
            kind = "direct"
    content = strip_span(sent.doc.text, *content, chars=" \t\n\r,;:")
    if content[0] >= content[1]:
        return None
    subject = _speaker(token)
    stance = _stance(token, lemma, cues, ccomp)
    cue_end = _end(token)
    for child in token.children:
        if child.dep_ == "prt" and child.i == token.i + 1:
            cue_end = _end(child)
    result = {"cue": (token.idx, cue_end), "lemma": lemma, "content": content, "kind": kind, "stance": stance}
    if subject is not None:
        result["source"] = _source_span(subject)
        result["source_head"] = (subject.idx, _end(subject))
    return result


def _according_to_claim(token: Token, sent: Span, cues: CueTable) -> dict | None:
    if token.lower_ != "according":
        return None
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None and token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "to":
        to = token.nbor(1)
    if to is None:
        return None
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    phrase_start, phrase_end = token.idx, _end(pobj.right_edge)
    text = sent.doc.text
    before = strip_span(text, sent.start_char, phrase_start)
    after = strip_span(text, phrase_end, sent.end_char)
    content = after if (after[1] - after[0]) >= (before[1] - before[0]) else before
    if content[0] >= content[1]:
        return None
    return {"cue": (token.idx, _end(to)), "lemma": "according to", "content": content, "kind": "according_to",
            "stance": "assert", "source": _source_span(pobj), "source_head": (pobj.idx, _end(pobj))}


def _misparsed_cue(token: Token) -> dict | None:
    """A finite cue the parser took for a modifier: "Podolyak alleged Russian forces had laid mines"."""
    if token.tag_ not in ("VBD", "VBZ", "VBP") or token.dep_ not in ("amod", "compound", "acl") or token.i == 0:
        return None
    subject = token.head
    if subject.dep_ not in ("nsubj", "nsubjpass") or subject.i <= token.i:
        return None
    clause = subject.head
    prev = token.nbor(-1)
    speaker = prev.head if prev.dep_ in ("appos", "compound") and prev.head.i < token.i else prev
    if speaker.i >= token.i or prev.is_punct:
        return None
    content_end = max((t for t in clause.subtree if not (t.dep_ == "advcl" and t.i > subject.i)), key=lambda t: t.i)
    stop = [c for c in clause.children if c.dep_ == "advcl" and c.i > token.i]
    last = min(stop, key=lambda c: c.left_edge.i).left_edge.i - 1 if stop else clause.right_edge.i
    end_token = token.doc[last]
    content = strip_span(token.doc.text, token.nbor(1).idx, _end(end_token), chars=" \t\n\r,;:.")
    source = strip_span(token.doc.text, speaker.left_edge.idx, _end(prev))
    return {"cue": (token.idx, _end(token)), "content": content, "kind": "indirect",
            "source": source, "source_head": (prev.idx, _end(prev))}


def _adjacent_quote(token: Token, sent: Span, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A quotation in or next to the cue's sentence that does not contain the cue."""
    best = None
    for q in quotes:
        if q[0] <= token.idx < q[1]:
            return None
        if q[1] < sent.start_char - 2 or q[0] > sent.end_char:
            continue
        distance = token.idx - q[1] if q[1] <= token.idx else q[0] - token.idx
        if best is None or distance < best[0]:
            best = (distance, q)
    return best[1] if best else None


def _speaker(token: Token) -> Token | None:
    current = token
    for _ in range(4):
        for child in current.children:
            if child.dep_ == "nsubj" and child.dep_ != "expl":
                return child
            if child.dep_ == "agent":
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if current.dep_ in ("advcl", "xcomp", "conj", "acl") and current.head is not current:
            current = current.head
            continue
        break
    return None


def _source_span(subject: Token) -> tuple[int, int]:
    tokens = [t for t in subject.subtree if t.sent == subject.sent]
    # The source is the noun phrase; a relative clause or long apposition stays in.
    start, end = tokens[0].idx, _end(tokens[-1])
    return strip_span(subject.doc.text, start, end)


def _stance(token: Token, lemma: str, cues: CueTable, ccomp: Token | None) -> str:
    stance = cues.verbs[lemma]
    if _negated(token):
        if lemma in cues.negated_doubt:
            return "doubt"
        if lemma in cues.negated_deny:
            return "deny"
        if stance == "deny":
            return "acknowledge"
        return "doubt"
    if stance in NEUTRAL_STANCES and ccomp is not None:
        inner = ccomp.lemma_.lower()
        if inner in cues.verbs and (cues.verbs[inner] not in NEUTRAL_STANCES or _negated(ccomp)):
            if _negated(ccomp):
                return "doubt" if inner in cues.negated_doubt else "deny" if inner in cues.negated_deny else "doubt"
            return cues.verbs[inner]
    return stance


def _negated(token: Token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    # "could not confirm or deny": the negation sits on the first conjunct.
    if token.dep_ == "conj" and any(c.dep_ == "neg" for c in token.head.children):
        return True
    return False


def _subtree_span(token: Token, skip_marks: bool = False) -> tuple[int, int]:
    tokens = list(token.subtree)
    if skip_marks:
        while tokens and tokens[0].dep_ == "mark" and tokens[0].lower_ in ("that", "whether", "if"):
            tokens = tokens[1:]
    return tokens[0].idx, _end(tokens[-1])


def _end(token: Token) -> int:
    return token.idx + len(token.text)
