"""Claims: who says what, with which cue, and how the source stands to it.

Attribution runs in four learned steps, each a linear model over parse
features (weights in data/attribution_model.json, trained by
training/train_attribution.py on PolNeAR's train split):

1. every token is scored as the head of a reporting cue ("said", "according",
   "told", a colon after a name, "the ministry's statement");
2. the cue grows over its auxiliaries, particles and fixed phrases ("has
   said", "said in a statement", "called for");
3. candidate sources (the subject, an inherited subject, the object of "according
   to" or "by", a possessor, the name before a colon) compete, and the best one wins;
4. candidate contents (the cue's clausal children, the clause it is tucked
   into, the quotations beside it, the text after a colon) are kept or dropped,
   and the content is their full extent, so a quote split around its cue keeps
   both halves.

A source's stance comes from its cue, its negation ("could not confirm") and,
for neutral cues, from the content's own cue ("said they believed" → believe).
Pronoun and definite sources ("he", "the ministry") take the actor code of
the mention they refer back to.
"""
from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from .lexicons import load_table
from .models import Actor, Claim, ClaimSource, Cue, Event, SourceDocument, Span as TextSpan
from .nlp import doc_text, entities_in, sentence_of
from .spans import SpanIndex, inside_any, strip_span

__all__ = ["find_claims", "find_quotes", "CueTable", "load_cues", "LinearModel", "load_attribution_model",
           "cue_features", "extent_features", "source_candidates", "content_candidates", "DocContext",
           "doc_context", "cue_candidate"]

OPENING_QUOTES = "“\"«"
CLOSING_FOR = {"“": "”", "«": "»", '"': '"'}
NEUTRAL_STANCES = {"assert"}
CONTESTING_STANCES = {"deny", "doubt", "allege"}
MAX_QUOTE_CHARS = 3000
CUE_POS = {"VERB", "AUX", "NOUN", "PROPN", "ADJ", "ADP", "ADV", "PUNCT"}
ALWAYS_SCORED_POS = {"VERB", "AUX", "PUNCT"}  # other parts of speech are scored only for cue-like lemmas
CUE_PUNCT = {":", "—", "–", "-", "―", "--"}
NOMINAL_POS = {"NOUN", "PROPN", "PRON", "NUM", "DET", "ADJ", "X"}
SPAN_TRIM = " \t\n\r,;:-–—"
CLOSING_PUNCT = {".", ",", ";", ":", "!", "?", "—", "–", "-", "--"}


@dataclass(frozen=True)
class CueTable:
    verbs: dict[str, str]
    nouns: dict[str, str]
    negated_doubt: frozenset[str]
    negated_deny: frozenset[str]
    according_to: tuple[str, ...]


@functools.cache
def load_cues() -> CueTable:
    t = load_table("cues")
    return CueTable(t["verbs"], t["nouns"], frozenset(t["negated_doubt"]), frozenset(t["negated_deny"]),
                    tuple(t["according_to"]))


@dataclass(frozen=True)
class LinearModel:
    """A linear (or logistic) model over string features."""

    bias: float
    weights: dict[str, float]
    threshold: float = 0.5

    def score(self, features: Iterable[str]) -> float:
        """The linear score of one item from its features."""
        return self.bias + sum(self.weights.get(f, 0.0) for f in features)

    def probability(self, features: Iterable[str]) -> float:
        """P(positive) of one item from its features."""
        z = self.score(features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@functools.cache
def load_attribution_model() -> dict[str, LinearModel]:
    """The four attribution models (cue, extent, source, content), loaded once."""
    t = load_table("attribution_model")
    return {name: LinearModel(m["bias"], m["weights"], m.get("threshold", 0.5)) for name, m in t["models"].items()}


@functools.cache
def _likely_cue_lemmas() -> frozenset[str]:
    """Lemmas the cue model weighs towards a cue on their own."""
    weights = load_attribution_model()["cue"].weights
    return frozenset(f[2:] for f, w in weights.items() if f.startswith("l=") and w > 0)


@dataclass(frozen=True)
class DocContext:
    """Per-document facts the features share: quotations and which token sits in which."""

    doc: Doc
    quotes: list[tuple[int, int]]
    quote_of: list[int]
    # The quotations are sorted and never overlap, so both their starts and their ends are sorted:
    # the features look up the quotations near a token by bisection, not by scanning them all.
    quote_starts: list[int] = field(init=False, repr=False)
    quote_ends: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quote_starts", [q[0] for q in self.quotes])
        object.__setattr__(self, "quote_ends", [q[1] for q in self.quotes])

    def quotes_near(self, start: int, end: int) -> range:
        """Indices of the quotations that end after `start` and begin before `end`, in text order."""
        return range(bisect.bisect_right(self.quote_ends, start), bisect.bisect_left(self.quote_starts, end))

    def quoted(self, span: tuple[int, int]) -> bool:
        """Whether one quotation holds the whole span (only the last one starting by its start can)."""
        k = bisect.bisect_right(self.quote_starts, span[0]) - 1
        return k >= 0 and span[1] <= self.quotes[k][1]

    def quote_ends_at(self, offset: int) -> bool:
        """Whether a quotation ends at a character offset."""
        k = bisect.bisect_left(self.quote_ends, offset)
        return k < len(self.quote_ends) and self.quote_ends[k] == offset


def doc_context(doc: Doc) -> DocContext:
    """Quotations of a parsed document and, per token, the quotation holding it (-1 for none)."""
    quotes = find_quotes(doc_text(doc))
    quote_of = [-1] * len(doc)
    qi = 0
    for t in doc:
        while qi < len(quotes) and quotes[qi][1] <= t.idx:
            qi += 1
        if qi < len(quotes) and quotes[qi][0] < t.idx < quotes[qi][1] - 1:
            quote_of[t.i] = qi
    return DocContext(doc, quotes, quote_of)


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of quotations, quote marks included; curly and straight, running over paragraphs."""
    quotes = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch not in OPENING_QUOTES:
            i += 1
            continue
        j = text.find(CLOSING_FOR[ch], i + 1, min(n, i + MAX_QUOTE_CHARS))
        if j != -1 and ch != '"' and _reopened(text, ch, i, j):
            j = -1
        if j == -1:
            i += 1
            continue
        quotes.append((i, j + 1))
        i = j + 1
    return quotes


def _reopened(text: str, mark: str, start: int, close: int) -> bool:
    """Whether an opening mark recurs before the close other than at a paragraph start (then it was never closed)."""
    k = text.find(mark, start + 1, close)
    while k != -1:
        if not _at_line_start(text, k):
            return True
        k = text.find(mark, k + 1, close)
    return False


def _at_line_start(text: str, k: int) -> bool:
    # Walks back over the blanks only: copying text[:k] for each mark made a text of many opening
    # quotation marks quadratic.
    j = k - 1
    while j >= 0 and text[j] in " \t\xa0":
        j -= 1
    return j >= 0 and text[j] == "\n"


# ----------------------------------------------------------------------------- features

def cue_candidate(token: Token) -> bool:
    """Whether a token may head a cue at all."""
    if token.is_space or token.pos_ not in CUE_POS:
        return False
    return token.pos_ != "PUNCT" or token.text in CUE_PUNCT


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4+" if n < 8 else "8+" if n < 16 else "16+"


def cue_features(t: Token, ctx: DocContext) -> list[str]:
    """Features of a token as the head of a reporting cue."""
    # Dashes and colons count as one punctuation cue whatever the tagger made of them.
    punct = t.text in CUE_PUNCT
    lem = (":" if t.text == ":" else "—") if punct else t.lemma_.lower()
    pos = "PUNCT" if punct else t.pos_
    doc = t.doc
    f = ["b", "l=" + lem, "p=" + pos, "t=" + t.tag_, "d=" + t.dep_, "lp=" + lem + "|" + pos,
         "ld=" + lem + "|" + t.dep_, "w=" + lem if punct else "w=" + t.lower_, "hd=" + t.dep_ + "|" + t.head.pos_,
         "hl=" + t.head.lemma_.lower() + "|" + t.dep_]
    deps = set()
    for c in t.children:
        deps.add(c.dep_)
        if c.dep_ in ("prep", "prt", "agent"):
            f += ["cp=" + c.lower_, "lcp=" + lem + "|" + c.lower_]
        if c.dep_ in ("ccomp", "xcomp"):
            mark = next((m.lower_ for m in c.children if m.dep_ in ("mark", "aux") and m.i < c.i), "")
            f += ["cm=" + c.dep_ + "|" + mark, "lcm=" + lem + "|" + c.dep_ + "|" + mark]
        if c.dep_ in ("nsubj", "nsubjpass", "poss"):
            kind = c.ent_type_ or c.pos_
            f += ["subj=" + c.dep_ + "|" + kind, "lsubj=" + lem + "|" + kind]
        if c.dep_ == "neg":
            f.append("neg")
    for d in deps:
        f += ["c=" + d, "lc=" + lem + "|" + d]
    f.append("lcs=" + lem + "|" + "+".join(sorted(d for d in deps if d in ("nsubj", "ccomp", "dobj", "xcomp", "prep"))))
    q = ctx.quote_of[t.i]
    f.append("inq" if q >= 0 else "outq")
    sent = sentence_of(t)
    near = [x for x in (ctx.quotes[k] for k in ctx.quotes_near(sent.start_char - 3, sent.end_char + 3))
            if not x[0] <= t.idx < x[1]]
    if near:
        f += ["qadj", "lqadj=" + lem]
        if any(x[1] <= t.idx for x in near):
            f.append("qbefore")
        if any(x[0] > t.idx for x in near):
            f.append("qafter")
    nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
    prv = next((doc[k] for k in range(t.i - 1, -1, -1) if not doc[k].is_space), None)
    if prv is not None and prv.is_quote and ctx.quote_of[prv.i] == -1 and ctx.quote_ends_at(_end(prv)):
        f += ["after_quote", "after_quote=" + lem]
    f.append("n=" + (nxt.lower_ if nxt is not None else "<END>"))
    f.append("pv=" + (prv.lower_ if prv is not None else "<START>"))
    f.append("ln=" + lem + "|" + (nxt.lower_ if nxt is not None else "<END>"))
    f.append("sentpos=" + _bucket(t.i - sent.start))
    if punct:
        before = doc[sent.start:t.i]
        f += ["punct_before=" + _bucket(len(before)), "punct_ents=" + "+".join(sorted({x.ent_type_ for x in before if x.ent_type_}))]
    return f


def _cue_children(head: Token) -> list[Token]:
    return [c for c in head.children if not c.is_space]


def extent_features(head: Token, child: Token) -> list[str]:
    """Features of a child of a cue head, for whether it joins the cue."""
    lem = head.lemma_.lower()
    side = "L" if child.i < head.i else "R"
    adjacent = abs(child.i - head.i) == 1 or (side == "L" and child.right_edge.i == head.i - 1)
    size = _bucket(sum(1 for _ in child.subtree))
    f = ["b", "d=" + child.dep_, "dw=" + child.dep_ + "|" + child.lower_, "ld=" + lem + "|" + child.dep_,
         "lw=" + lem + "|" + child.lower_, "s=" + side, "ds=" + child.dep_ + "|" + side, "size=" + size,
         "dsize=" + child.dep_ + "|" + size, "adj=" + str(adjacent), "dadj=" + child.dep_ + "|" + str(adjacent),
         "hp=" + head.pos_ + "|" + child.dep_, "cp=" + child.pos_]
    if child.dep_ in ("prep", "agent"):
        pobj = next((g for g in child.children if g.dep_ in ("pobj", "pcomp")), None)
        if pobj is not None:
            f += ["pobj=" + pobj.lemma_.lower(), "wpobj=" + child.lower_ + "|" + pobj.lemma_.lower(),
                  "pobjent=" + (pobj.ent_type_ or pobj.pos_)]
    return f


def cue_extent(head: Token, models: dict[str, LinearModel]) -> tuple[int, int, list[Token]]:
    """The cue span grown from its head, and the children that joined it as bare tokens."""
    start, end = head.idx, _end(head)
    joined = []
    for child in _cue_children(head):
        if child.is_punct:
            continue
        feats = extent_features(head, child)
        if models["extent_token"].probability(feats) < models["extent_token"].threshold:
            continue
        if models["extent_subtree"].probability(feats) >= models["extent_subtree"].threshold:
            lo, hi = child.left_edge.idx, _end(child.right_edge)
        else:
            lo, hi = child.idx, _end(child)
            joined.append(child)
        # The cue stays one stretch: a child far from the head must not swallow the clause between.
        if hi < start and doc_text(head.doc)[hi:start].strip(" ,") and _gap_tokens(head.doc, hi, start) > 2:
            continue
        if lo > end and _gap_tokens(head.doc, end, lo) > 2:
            continue
        start, end = min(start, lo), max(end, hi)
    return start, end, joined


def _gap_tokens(doc: Doc, start: int, end: int) -> int:
    span = doc.char_span(start, end, alignment_mode="expand")
    return len(span) if span is not None else 0


@dataclass(frozen=True)
class Candidate:
    """A candidate source or content span with the features that describe it."""

    start: int
    end: int
    head: Token | None
    features: tuple[str, ...]


def _subtree_extent(token: Token, exclude: set[int] = frozenset()) -> tuple[int, int] | None:
    tokens = [t for t in token.subtree if t.i not in exclude and not t.is_space]
    # Closing punctuation belongs to the sentence, not to the clause: "X, according to Y."
    while tokens and tokens[-1].text in CLOSING_PUNCT and tokens[-1].i != token.i:
        tokens.pop()
    if not tokens:
        return None
    return tokens[0].idx, _end(tokens[-1])


def source_candidates(head: Token, cue: tuple[int, int], ctx: DocContext) -> list[Candidate]:
    """Every span that might be the source of a cue, with its features."""
    lem = head.lemma_.lower()
    doc = head.doc
    out = []

    def add(tok: Token, path: str, span: tuple[int, int] | None = None) -> None:
        if span is None:
            span = _subtree_extent(tok, {t.i for t in head.subtree} if tok in head.ancestors else set())
        if span is None or (span[0] < cue[1] and cue[0] < span[1] and tok.idx >= cue[0] and tok.idx < cue[1]):
            return
        side = "L" if tok.i < head.i else "R"
        kind = tok.ent_type_ or tok.pos_
        out.append(Candidate(span[0], span[1], tok, (
            "b", "path=" + path, "lpath=" + lem + "|" + path, "kind=" + kind, "pk=" + path + "|" + kind,
            "side=" + side, "ps=" + path + "|" + side, "dist=" + _bucket(abs(tok.i - head.i)),
            "inq=" + str(ctx.quote_of[tok.i] >= 0), "pron=" + (tok.lower_ if tok.pos_ == "PRON" else "-"),
            "hp=" + head.pos_ + "|" + path)))

    for c in head.children:
        if c.pos_ in NOMINAL_POS and c.dep_ not in ("punct", "cc", "det") or c.dep_ in ("nsubj", "nsubjpass"):
            add(c, "c:" + c.dep_)
        if c.dep_ in ("prep", "agent", "prt"):
            for g in c.children:
                if g.dep_ == "pobj":
                    add(g, "c:" + c.dep_ + ":" + c.lower_ + ">pobj")
        if c.dep_ in ("dobj", "attr", "nsubj") and c.pos_ in ("NOUN", "PROPN"):
            for g in c.children:
                if g.dep_ == "poss":
                    add(g, "c:" + c.dep_ + ">poss")
    # Subjects inherited through clause chains: "X declined to comment, saying ...".
    node, chain = head, ""
    for level in range(3):
        if node.dep_ == "ROOT" or node.head.i == node.i:
            break
        chain += node.dep_ + ">"
        node = node.head
        subjects = [c for c in node.children
                    if c.dep_ in ("nsubj", "nsubjpass") and not (head.left_edge.i <= c.i <= head.right_edge.i)]
        for c in subjects:
            add(c, "u:" + chain + c.dep_)
        if subjects:
            # The nearest clause with a subject lends it: "the army could not confirm or deny".
            break
        if node.pos_ in ("NOUN", "PROPN", "PRON") and level == 0:
            add(node, "anc:" + head.dep_, (node.left_edge.idx, _end(node)) if node.i > head.i else None)
            for c in node.children:
                if c.dep_ == "poss":
                    add(c, "anc:" + head.dep_ + ">poss")
    # A name before a colon or a name after a dash ends a quotation: "Trump: ...", "... — Jane Doe".
    sent = sentence_of(head)
    if head.text in CUE_PUNCT:
        before = [t for t in doc[sent.start:head.i] if not t.is_space]
        if before and len(before) <= 12:
            roots = [t for t in before if not (before[0].i <= t.head.i < head.i) or t.head.i == t.i]
            tok = roots[0] if roots else before[-1]
            add(tok, "punct:before", strip_span(doc_text(doc), before[0].idx, _end(before[-1]), SPAN_TRIM))
        after = [t for t in doc[head.i + 1:sent.end] if not t.is_space]
        if after and len(after) <= 8:
            add(after[0], "punct:after", strip_span(doc_text(doc), after[0].idx, _end(after[-1]), SPAN_TRIM + ".)("))
    return out


def content_candidates(head: Token, cue: tuple[int, int], source: tuple[int, int] | None,
                       joined: Sequence[Token], ctx: DocContext) -> list[Candidate]:
    """Every span that might be (part of) the content of a cue, with its features."""
    lem = head.lemma_.lower()
    doc = head.doc
    text = doc_text(doc)
    out = []
    seen = set()

    def add(span: tuple[int, int] | None, path: str, tok: Token | None, extra: tuple[str, ...] = ()) -> None:
        if span is None:
            return
        span = strip_span(text, span[0], span[1], SPAN_TRIM)
        if span[0] >= span[1] or span in seen:
            return
        if source and source[0] <= span[0] and span[1] <= source[1]:
            return
        if cue[0] <= span[0] and span[1] <= cue[1]:
            return
        seen.add(span)
        side = "L" if span[1] <= cue[0] else "R" if span[0] >= cue[1] else "O"
        length = _bucket(len(text[span[0]:span[1]].split()))
        quoted = ctx.quoted(span)
        f = ("b", "path=" + path, "lpath=" + lem + "|" + path, "side=" + side, "ps=" + path + "|" + side,
             "len=" + length, "plen=" + path + "|" + length, "quoted=" + str(quoted), "pq=" + path + "|" + str(quoted),
             "hp=" + head.pos_ + "|" + path, "hasrc=" + str(source is not None)) + extra
        if tok is not None:
            f += ("tp=" + tok.pos_, "ptp=" + path + "|" + tok.pos_)
        out.append(Candidate(span[0], span[1], tok, f))

    cue_tokens = {t.i for t in doc.char_span(cue[0], cue[1], alignment_mode="expand") or []}
    parents = [head] + [j for j in joined if j.head.i == head.i]
    for parent in parents:
        for c in parent.children:
            if c.i in cue_tokens or c.is_punct or c.dep_ in ("cc", "aux", "auxpass", "neg", "det"):
                continue
            if source and source[0] <= c.idx < source[1]:
                continue
            prefix = "c:" if parent is head else "j:" + parent.lower_ + ">"
            mark = next((m.lower_ for m in c.children if m.dep_ == "mark" and m.i < c.i), "-")
            add(_subtree_extent(c, cue_tokens), prefix + c.dep_, c, ("mark=" + mark, "dc=" + c.dep_ + "|" + mark))
    if head.dep_ != "ROOT" and head.head.i != head.i:
        up = head.head
        # The clause the cue is tucked into: "X, according to Y" or "X, he said".
        exclude = {t.i for t in head.subtree}
        if source:
            exclude |= {t.i for t in doc.char_span(*source, alignment_mode="expand") or []}
        mark = next((m.lower_ for m in head.children if m.dep_ == "mark"), "-")
        add(_subtree_extent(up, exclude), "up:" + head.dep_, up,
            ("upd=" + up.dep_, "upmark=" + mark, "lupmark=" + lem + "|" + mark))
    # A quotation more than 400 characters from the cue is never a candidate (the gap test below), so
    # only those near it are looked at.
    for qi in ctx.quotes_near(min(cue[0], head.idx) - 401, max(cue[1], head.idx) + 402):
        q = ctx.quotes[qi]
        if q[0] <= head.idx < q[1]:
            continue
        sent = sentence_of(head)
        if q[1] <= head.idx:
            gap = text[q[1]:cue[0]]
            where = "prev" if q[1] < sent.start_char else "same"
        else:
            gap = text[cue[1]:q[0]]
            where = "next" if q[0] >= sent.end_char else "same"
        if len(gap) > 400:
            continue
        words = len(gap.split())
        add(q, "q:" + ("L" if q[1] <= head.idx else "R") + ":" + where, None,
            ("gap=" + _bucket(words), "gapnl=" + str("\n" in gap), "lq=" + lem + "|" + where))
    if head.text in CUE_PUNCT or (head.i + 1 < len(doc) and doc[head.i + 1].text == ":"):
        colon = head if head.text in CUE_PUNCT else doc[head.i + 1]
        sent = sentence_of(head)
        end = sent.end_char
        # A colon's content runs on to the end of its paragraph.
        para_end = text.find("\n", colon.idx)
        if para_end > end:
            end = para_end
        add((_end(colon), end if para_end != -1 else len(text)), "colon", None)
    return out


# ----------------------------------------------------------------------------- claims

def find_claims(doc: Doc, source: SourceDocument, actors: list[Actor], events: list[Event]) -> list[Claim]:
    """Every attribution in a parsed document, linked to the events its content carries."""
    raw = find_attributions(doc, source.furniture)
    index = _ActorIndex(actors)
    triggers = _TriggerIndex(events)
    return [_make_claim(doc, n, c, index, triggers) for n, c in enumerate(raw, start=1)]


class _ActorIndex:
    """Actor mentions in text order (as find_actors gives them), looked up by bisection.

    Scanning every actor for each claim's source made the stage quadratic in the document's length.
    """

    def __init__(self, actors: list[Actor]):
        self.actors = sorted(actors, key=lambda a: (a.start, -a.end))
        self.starts = [a.start for a in self.actors]
        self.longest = max((a.end - a.start for a in self.actors), default=0)

    def at(self, start: int, end: int) -> Actor | None:
        """As actors.actor_at: the smallest mention that contains the span, else the first inside it."""
        lo = bisect.bisect_left(self.starts, start - self.longest)
        containing = [a for a in self.actors[lo:bisect.bisect_right(self.starts, start)] if end <= a.end]
        if containing:
            return min(containing, key=lambda a: a.end - a.start)
        return next(iter(self.starting_in(start, end)), None)

    def starting_in(self, start: int, end: int) -> list[Actor]:
        """The mentions that start inside [start, end)."""
        return self.actors[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]

    def inside(self, start: int, end: int) -> list[Actor]:
        """The mentions wholly inside [start, end)."""
        return [a for a in self.starting_in(start, end) if a.end <= end]

    def coded_before(self, offset: int) -> Iterator[Actor]:
        """Fully coded mentions (six letters) that end by `offset`, the nearest first."""
        for k in range(bisect.bisect_left(self.starts, offset) - 1, -1, -1):
            a = self.actors[k]
            if a.end <= offset and len(a.code) >= 6:
                yield a


class _TriggerIndex:
    """Every mention's trigger start, sorted, with the event it belongs to."""

    def __init__(self, events: list[Event]):
        self.events = events
        pairs = sorted((m.trigger.start, k) for k, e in enumerate(events) for m in e.mentions or [e])
        self.starts = [p[0] for p in pairs]
        self.owners = [p[1] for p in pairs]

    def linked(self, start: int, end: int) -> list[str]:
        """Ids of the events, in their order, with a mention whose trigger starts inside [start, end)."""
        owners = set(self.owners[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)])
        return [self.events[k].id for k in sorted(owners)]


def find_attributions(doc: Doc, furniture: Sequence[tuple[int, int]] = ()) -> list[dict]:
    """Raw attributions (cue, source, content spans, kind, stance), in text order."""
    models = load_attribution_model()
    cues = load_cues()
    ctx = doc_context(doc)
    found = []
    likely_lemmas = _likely_cue_lemmas()
    for token in doc:
        if not cue_candidate(token) or inside_any(furniture, token.idx):
            continue
        # Scoring every noun, name and preposition cost a third of the claims stage; the model
        # makes cues of those only when their word itself points to a cue ("statement", "per").
        if token.pos_ not in ALWAYS_SCORED_POS and token.lemma_.lower() not in likely_lemmas:
            continue
        p = models["cue"].probability(cue_features(token, ctx))
        # Our own stance-taking cues stay cues even where PolNeAR's univocal annotation taught the
        # model to skip them, nested in another claim: "said the army could not confirm". Neutral
        # ones ("said") are left to the model: adding them all cost 2-3 points of F1 on PolNeAR dev.
        forced = _lexicon_cue(token, cues)
        if p < models["cue"].threshold and not forced:
            continue
        claim = build_attribution(token, ctx, models, cues, force=forced)
        if claim is not None:
            claim["p"] = p
            found.append(claim)
    found += [m for m in (_misparsed(t, cues) for t in doc if not inside_any(furniture, t.idx)) if m]
    found = _univocal(found, doc_text(doc))
    return sorted(found, key=lambda c: c["cue"][0])


def _as_clause(token: Token) -> bool:
    return token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in token.children)


def _lexicon_cue(token: Token, cues: CueTable) -> bool:
    """A verb of our cue table that takes a side on a clause (denies, doubts, alleges, cannot
    confirm), or that vouches for the clause it hangs on ("as the ministry reported")."""
    lemma = token.lemma_.lower()
    if token.pos_ != "VERB" or lemma not in cues.verbs:
        return False
    if _as_clause(token):
        return True
    if not any(c.dep_ == "ccomp" for c in token.children):
        return False
    return cues.verbs[lemma] in CONTESTING_STANCES or _negated(token)


def build_attribution(head: Token, ctx: DocContext, models: dict[str, LinearModel], cues: CueTable,
                      force: bool = False) -> dict | None:
    """Source, cue and content around one cue head; None when no content is found.

    With `force` (a cue our own table vouches for) the likeliest content candidate is taken
    when none reaches the model's threshold.
    """
    text = doc_text(head.doc)
    start, end, joined = cue_extent(head, models)
    cue = strip_span(text, start, end, SPAN_TRIM + "\"“”")
    if cue[0] >= cue[1]:
        cue = (head.idx, _end(head))
    src = _best(source_candidates(head, cue, ctx), models["source"])
    src_span = (src.start, src.end) if src else None
    candidates = content_candidates(head, cue, src_span, joined, ctx)
    if force and _as_clause(head):
        # "X, as the ministry reported": the content is the clause the cue hangs on.
        candidates = [c for c in candidates if "path=up:advcl" in c.features]
    parts = [c for c in candidates if models["content"].probability(c.features) >= models["content"].threshold]
    if not parts and force and candidates:
        parts = [max(candidates, key=lambda c: models["content"].probability(c.features))]
    if not parts:
        return None
    content = (min(c.start for c in parts), max(c.end for c in parts))
    content = strip_span(text, *content, chars=SPAN_TRIM + "\"“”")
    if content[0] >= content[1]:
        return None
    lemma = "according to" if head.lower_ == "according" else head.lemma_.lower()
    kind = _kind(text, content, lemma, ctx.quotes, [cue, src_span])
    result = {"cue": cue, "lemma": lemma, "content": content, "kind": kind,
              "stance": _stance(head, lemma, cues, _content_head(parts)), "head": head.i}
    if src is not None:
        result["source"] = src_span
        result["source_head"] = (src.head.idx, _end(src.head))
    return result


def _best(candidates: list[Candidate], model: LinearModel) -> Candidate | None:
    scored = [(model.probability(c.features), c) for c in candidates]
    scored = [s for s in scored if s[0] >= model.threshold]
    return max(scored, key=lambda s: s[0])[1] if scored else None


def _content_head(parts: list[Candidate]) -> Token | None:
    heads = [c.head for c in parts if c.head is not None and c.head.pos_ in ("VERB", "AUX")]
    return heads[0] if heads else None


def _kind(text: str, content: tuple[int, int], lemma: str, quotes: list[tuple[int, int]],
          inside: list[tuple[int, int]]) -> str:
    """direct when every word of the content (its own cue and source aside) is quoted, mixed when some is."""
    if lemma == "according to":
        return "according_to"
    s, e = content
    quoted = [q for q in quotes if q[0] < e and s < q[1]]
    if not quoted:
        return "indirect"
    # Walk the uncovered gaps of the content once, rather than every character against every span.
    pos = s
    for a, b in sorted(quoted + [x for x in inside if x]):
        if a > pos and any(ch.isalnum() for ch in text[pos:min(a, e)]):
            return "mixed"
        pos = max(pos, b)
        if pos >= e:
            return "direct"
    return "mixed" if any(ch.isalnum() for ch in text[pos:e]) else "direct"


def _univocal(found: list[dict], text: str) -> list[dict]:
    """One claim per cue, the likelier first; a cue inside a likelier claim's source is no cue,
    and a source that runs over a likelier claim's cue is cut back to the words before it.

    Claims nested in another's content stay: "he said the ministry reported X" gives X two sources.
    Dropping them, as PolNeAR's univocal annotation would, lost F1 on its dev set too.
    """
    kept: list[dict] = []
    # Comparing each claim with every kept one made this quadratic in the number of claims.
    cues, sources = SpanIndex(), SpanIndex()
    for c in sorted(found, key=lambda c: -c["p"]):
        if cues.overlapping(*c["cue"]) or sources.overlapping(*c["cue"]):
            continue
        if "source" in c:
            c = _cut_source(c, cues.overlapping(*c["source"]), text)
        cues.add(*c["cue"], c["cue"])
        if "source" in c:
            sources.add(*c["source"], c["source"])
        kept.append(c)
    return kept


def _cut_source(claim: dict, cues: list[tuple[int, int]], text: str) -> dict:
    """A claim whose source no longer runs over another claim's cue."""
    start, end = claim["source"]
    for cue in cues:
        if _overlap((start, end), cue):
            end = cue[0] if cue[0] > start else end
            if cue[0] <= start:
                start = cue[1]
    claim = dict(claim)
    if start >= end:
        claim.pop("source", None)
        claim.pop("source_head", None)
    elif (start, end) != claim["source"]:
        claim["source"] = strip_span(text, start, end, SPAN_TRIM)
        claim["source_head"] = None
    return claim


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _misparsed(token: Token, cues: CueTable) -> dict | None:
    """A finite cue the parser took for a modifier: "Podolyak alleged Russian forces had laid mines"."""
    lemma = token.lemma_.lower()
    if lemma not in cues.verbs:
        return None
    found = _misparsed_cue(token)
    if found is None:
        return None
    return found | {"lemma": lemma, "stance": _stance(token, lemma, cues, None), "p": 1.0, "misparsed": True,
                    "head": token.i}


def _misparsed_cue(token: Token) -> dict | None:
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
    stop = [c for c in clause.children if c.dep_ == "advcl" and c.i > token.i]
    last = min(stop, key=lambda c: c.left_edge.i).left_edge.i - 1 if stop else clause.right_edge.i
    end_token = token.doc[last]
    content = strip_span(doc_text(token.doc), token.nbor(1).idx, _end(end_token), chars=" \t\n\r,;:.")
    source = strip_span(doc_text(token.doc), speaker.left_edge.idx, _end(prev))
    return {"cue": (token.idx, _end(token)), "content": content, "kind": "indirect",
            "source": source, "source_head": (prev.idx, _end(prev))}


def _make_claim(doc: Doc, number: int, c: dict, actors: _ActorIndex, triggers: _TriggerIndex) -> Claim:
    text = doc_text(doc)
    cs, ce = c["content"]
    source = None
    if c.get("source"):
        ss, se = c["source"]
        source = ClaimSource(start=ss, end=se, text=text[ss:se],
                             code=_source_code(doc, actors, c.get("source_head"), (ss, se)))
    linked = triggers.linked(cs, ce)
    return Claim(
        id=f"c{number}",
        source=source,
        cue=Cue(start=c["cue"][0], end=c["cue"][1], text=text[c["cue"][0]:c["cue"][1]], lemma=c["lemma"]),
        content=TextSpan(start=cs, end=ce, text=text[cs:ce]),
        kind=c["kind"],
        stance=c["stance"],
        events=linked,
    )


def _source_code(doc: Doc, actors: _ActorIndex, head: tuple[int, int] | None, span: tuple[int, int]) -> str | None:
    """The actor code of a source; a pronoun or definite description takes its antecedent's."""
    head = head or span
    actor = actors.at(head[0], head[1]) if head != span else None
    # An actor mention running past the source span belongs to another phrase.
    within = actors.inside(span[0], span[1])
    actor = actor or next(iter(within), None)
    if actor is not None and len(actor.code) >= 6:
        return actor.code
    # "Ukraine's armed forces commander-in-chief, Valeriy Zaluzhny": a fully coded name in the span.
    coded = [a for a in within if len(a.code) >= 6]
    if coded:
        return coded[-1].code
    tok = doc.char_span(head[0], head[1], alignment_mode="expand")
    if tok is None or not len(tok):
        return actor.code if actor else None
    word = tok[-1]
    nearest = next(actors.coded_before(span[0]), None)
    if nearest is None:
        return actor.code if actor else None
    if word.pos_ == "PRON" and word.lower_ in ("he", "she", "him", "her"):
        person = next((a for a in actors.coded_before(span[0])
                       if any(e.label_ == "PERSON" for e in entities_in(doc.char_span(a.start, a.end, alignment_mode="expand")))),
                      None)
        return person.code if person else None
    if word.pos_ == "PRON" and word.lower_ in ("they", "it", "we"):
        return nearest.code if sentence_of(word).start_char <= nearest.start or _prev_sentence(doc, nearest, word) else None
    if word.pos_ == "NOUN" and any(t.lower_ == "the" for t in tok):
        same = next((a for a in actors.coded_before(span[0]) if a.text.lower().split()[-1:] == [word.lower_]), None)
        if same:
            return same.code
    return actor.code if actor else None


def _prev_sentence(doc: Doc, actor: Actor, word: Token) -> bool:
    first = doc.char_span(actor.start, actor.end, alignment_mode="expand")
    return first is not None and len(first) and sentence_of(first[0]).end >= sentence_of(word).start - 1 and sentence_of(first[0]).start < sentence_of(word).start


def _stance(token: Token, lemma: str, cues: CueTable, inner: Token | None) -> str:
    stance = cues.verbs.get(lemma) or cues.nouns.get(lemma) or "assert"
    if _negated(token):
        if lemma in cues.negated_doubt:
            return "doubt"
        if lemma in cues.negated_deny:
            return "deny"
        if stance == "deny":
            return "acknowledge"
        return "doubt"
    if stance in NEUTRAL_STANCES and inner is not None:
        ilemma = inner.lemma_.lower()
        if ilemma in cues.verbs and (cues.verbs[ilemma] not in NEUTRAL_STANCES or _negated(inner)):
            if _negated(inner):
                return "doubt" if ilemma in cues.negated_doubt else "deny" if ilemma in cues.negated_deny else "doubt"
            return cues.verbs[ilemma]
    return stance


def _negated(token: Token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    # "could not confirm or deny": the negation sits on the first conjunct.
    if token.dep_ == "conj" and any(c.dep_ == "neg" for c in token.head.children):
        return True
    return False


def _end(token: Token) -> int:
    return token.idx + len(token.text)
