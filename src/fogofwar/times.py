"""Times: temporal expressions found and normalised as TIMEX3 values.

A set of rules, each a regular expression built from data/timex.json and a
function that turns its match into (type, value) relative to the anchor date
(the document's `published`) and, where the rule needs it, the tense of the
clause ("on Monday" in a past-tense sentence is the Monday before).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .lexicons import load_table
from .models import SourceDocument, Time
from .nlp import doc_text
from .spans import SpanIndex, inside_any

__all__ = ["find_times", "normalize_times", "Timex", "week_date"]


@dataclass(frozen=True)
class Timex:
    start: int
    end: int
    type: str
    value: str


Tense = str  # "past", "present" or "future"
Normalizer = Callable[[re.Match, dt.date | None, Tense], tuple[str, str] | None]


def find_times(doc: Doc, source: SourceDocument) -> list[Time]:
    """Every temporal expression of a parsed document, valued against its dateline."""
    anchor = dt.date.fromisoformat(source.published) if source.published else None
    timexes = normalize_times(doc_text(doc), anchor, tense_at=lambda i: clause_tense(doc, i))
    return [Time(start=t.start, end=t.end, text=doc_text(doc)[t.start:t.end], type=t.type, value=t.value)
            for t in timexes if not inside_any(source.furniture, t.start)]


def normalize_times(text: str, anchor: dt.date | None, tense_at: Callable[[int], Tense] = lambda i: "past") -> list[Timex]:
    """Find and value the temporal expressions of a text (no parse needed)."""
    found: list[Timex] = []
    taken = SpanIndex()  # scanning every span taken for each match was quadratic in the text's length
    for pattern, normalizer in _rules():
        for m in pattern.finditer(text):
            start, end = m.span("x") if "x" in pattern.groupindex else m.span()
            if start == end or taken.overlapping(start, end):
                continue
            if text[end - 1] == "." and re.search(r"[A-Za-z]{5,}\.$", text[start:end]):
                end -= 1  # a sentence's full stop, not an abbreviation's dot
            try:
                result = normalizer(m, anchor, tense_at(start))
            except (OverflowError, ValueError):
                # A date reckoned from an anchor near 0001-01-01 or 9999-12-31 can fall off the calendar.
                result = None
            if result is None:
                continue
            taken.add(start, end)
            found.append(Timex(start, end, *result))
    return _resolve_references([_with_modifier(text, t) for t in _compose(text, found)])


def _compose(text: str, found: list[Timex]) -> list[Timex]:
    """Join neighbours that name one time: '10 p.m. Wednesday', 'Saturday, April 25', 'June last year'."""
    out: list[Timex] = []
    for t in sorted(found, key=lambda t: t.start):
        joined = _join(text, out[-1], t) if out else None
        if joined:
            out[-1] = joined
        else:
            out.append(t)
    return out


def _join(text: str, a: Timex, b: Timex) -> Timex | None:
    gap = text[a.end:b.start]
    day = re.fullmatch(r"\d{4}-\d\d-\d\d", b.value)
    clock = re.fullmatch(r"[\dX-]+T(\d\d(?::\d\d)?)", a.value)
    if a.type == "TIME" and clock and day and re.fullmatch(r"\s*(?:[A-Z]{2,4}\s*)?,?\s*", gap):
        return Timex(a.start, b.end, "TIME", f"{b.value}T{clock[1]}")
    if day and re.fullmatch(r",?\s+", gap) and re.fullmatch(rf"{_words('weekdays')}\.?", text[a.start:a.end], re.I):
        return Timex(a.start, b.end, "DATE", b.value)
    part = re.fullmatch(r"[\dX]{4}-(\d\d|SP|SU|FA|WI)", a.value)
    if part and re.fullmatch(r"\d{4}", b.value) and re.fullmatch(r"\s+(?:of\s+)?|,\s+", gap):
        return Timex(a.start, b.end, "DATE", f"{b.value}-{part[1]}")
    month = re.fullmatch(r"[\dX]{4}-(\d\d)", a.value)
    if month and re.fullmatch(r"\d{4}", b.value) and gap == " " and re.fullmatch(r"(?:last|this|next)\s+year", text[b.start:b.end], re.I):
        return Timex(a.start, b.end, "DATE", f"{b.value}-{month[1]}")
    return None


def _with_modifier(text: str, t: Timex) -> Timex:
    """Take in the modifier TimeML counts as part of the expression: 'early', 'nearly', 'the end of'."""
    span = text[t.start:t.end]
    counted = re.match(r"(?:\d|(?:%s)\b)" % _number_words(True), span, re.I)
    if counted and (t.type in ("DURATION", "SET") or re.search(r"\b(?:ago|earlier|later|before)$", span)):
        words = _table()["amount_modifiers"]
    else:
        words = _table()["point_modifiers"]
    m = _modifier_pattern(tuple(words)).search(text, max(0, t.start - 30), t.start)
    if not m:
        return t
    if m[0].strip().lower() == "the" and (re.match(r"(?:a|an)\b", span, re.I) or re.search(r"\w-\w", span)):
        return t  # 'the' joins a counted span ('the nine months'), not 'the two-week'
    return Timex(m.start(), t.end, t.type, t.value)


@functools.cache
def _modifier_pattern(words: tuple[str, ...]) -> re.Pattern:
    alternation = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})[\s-]+$", re.I)


def clause_tense(doc: Doc, char_index: int) -> Tense:
    """Past, present or future, from the verb that governs the token at a character offset."""
    span = doc.char_span(char_index, char_index + 1, alignment_mode="expand")
    if span is None or not len(span):
        return "present"
    token = span[0]
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") or token.head == token:
            break
        if token.lemma_.lower() in _table()["future_cues"] and token.i != span[0].i:
            return "future"  # "payable Dec. 7", "effective Feb. 1"
        token = token.head
    if token.pos_ not in ("VERB", "AUX"):
        return "present"
    return _verb_tense(token)


def _verb_tense(verb: Token, depth: int = 0) -> Tense:
    t = _table()
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lemma = verb.lemma_.lower()
    if any(a.lower_ in t["future_modals"] for a in auxes):
        return "future"
    if verb.tag_ == "VB" and (any(a.tag_ == "TO" for a in auxes) or verb.dep_ in ("xcomp", "ccomp")) and verb.head != verb:
        head = verb.head
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ == "had" for c in head.children):
            return "past"  # "had been scheduled to expire Friday"
        if head.lemma_.lower() in t["aspect_verbs"] and depth < 3:
            return _verb_tense(head, depth + 1)  # "began to withdraw Thursday" is told as done
        if head.lemma_.lower() in t["future_cues"] or head.tag_ in ("VBZ", "VBP", "VB", "MD") or verb.dep_ == "xcomp" and head.tag_ != "VBD":
            return "future"
        return "past" if head.tag_ in ("VBD", "VBN") else "future"
    if lemma in t["future_cues"] and verb.tag_ in ("VBN", "VBZ", "VBP") and not any(a.lower_ in ("was", "were", "had") for a in auxes):
        return "future"  # "is scheduled", "are expected"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ == "VBN":
        return "past" if any(a.lemma_ == "have" for a in auxes) or not auxes else "present"
    return "present"


# --- helpers ----------------------------------------------------------------

def _table():
    return load_table("timex")


@functools.cache
def _words(key: str) -> str:
    return _alternation(_table()[key])


@functools.cache
def _number_words(with_articles: bool) -> str:
    return _alternation(k for k in _table()["numbers"] if with_articles or k not in ("a", "an"))


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _number(word: str) -> int | str | None:
    word = word.lower().replace("-", " ")
    if word.isdigit():
        return int(word)
    return _table()["numbers"].get(word)


def _rel(m) -> str:
    """The relative word of a match ('last', 'next', 'this' or ''), whatever its wording."""
    word = re.sub(r"\s+", " ", (m["rel"] or "").lower())
    return _table()["relatives"].get(word, word)


def _hinted_tense(m, tense: Tense) -> Tense:
    """The clause tense, overridden by the preposition before the expression ('since', 'until')."""
    lead = m["lead"] if "lead" in m.re.groupindex else None
    before = re.search(r"(\w+)\s+$", m.string[max(0, m.start() - 12):m.start()])
    word = lead or (before[1] if before else "")
    hint = _table()["preposition_tense"].get(word.lower())
    if re.search(rf"\b(?:{_words('future_leads')})\s+$", m.string[max(0, m.start() - 20):m.start()], re.I):
        hint = "future"
    if hint == "future":
        return hint
    if hint == "past" or (hint == "present" and tense != "future"):
        return hint
    return tense


def _shift_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def week_date(value: str, weekday: int) -> dt.date | None:
    """A day of a TIMEX3 week value: day `weekday` (ISO, 1 = Monday) of "2022-W32", the Saturday of its weekend
    "2022-W32-WE"; None for any other value."""
    m = re.fullmatch(r"(\d{4})-W(\d\d)(-WE)?", value)
    if not m:
        return None
    return dt.date.fromisocalendar(int(m[1]), int(m[2]), 6 if m[3] else weekday)


def _week(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def _year_for_month(month: int, anchor: dt.date, tense: Tense) -> int:
    if tense == "future":
        return anchor.year if month >= anchor.month else anchor.year + 1
    if tense == "past":
        return anchor.year if month <= anchor.month else anchor.year - 1
    # No tense to go by: the nearest such month.
    diff = month - anchor.month
    return anchor.year + (1 if diff < -6 else -1 if diff > 6 else 0)


def _year_for_month_day(month: int, day: int, anchor: dt.date, tense: Tense) -> int:
    try:
        candidate = dt.date(anchor.year, month, day)
    except ValueError:
        return anchor.year
    days = (candidate - anchor).days
    if tense == "future":
        return anchor.year if days >= -7 else anchor.year + 1
    if tense == "past":
        return anchor.year if days <= 7 else anchor.year - 1
    return anchor.year + (1 if days < -183 else -1 if days > 183 else 0)


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


# --- normalizers ------------------------------------------------------------

def _full_date(m, anchor, tense):
    month = _table()["months"][m["month"].lower()]
    value = _date(int(m["year"]), month, int(m["day"]))
    return ("DATE", value) if value else None


def _iso_date(m, anchor, tense):
    value = _date(int(m["year"]), int(m["mon"]), int(m["day"]))
    return ("DATE", value) if value else None


def _month_day(m, anchor, tense):
    month = _table()["months"][m["month"].lower()]
    day = int(m["day"])
    if not 1 <= day <= 31:
        return None
    if anchor is None:
        return "DATE", f"XXXX-{month:02d}-{day:02d}"
    value = _date(_year_for_month_day(month, day, anchor, _hinted_tense(m, tense)), month, day)
    return ("DATE", value) if value else None


def _month_year(m, anchor, tense):
    month = _table()["months"][m["month"].lower()]
    return "DATE", f"{int(m['year']):04d}-{month:02d}"


def _month_alone(m, anchor, tense):
    word = m["month"]
    if not word[0].isupper() or (len(word) <= 3 and word.lower() != "may"):
        return None  # lower case or an undotted abbreviation: not a month name here
    if word.lower() == "may" and not m["lead"] and not m["rel"] and not m["mod"]:
        return None  # the modal verb
    month = _table()["months"][word.lower()]
    rel = _rel(m)
    if anchor is None:
        return "DATE", f"XXXX-{month:02d}"
    if rel == "last":
        year = anchor.year - 1 if month >= anchor.month else anchor.year
    elif rel == "next":
        year = anchor.year + 1 if month <= anchor.month else anchor.year
    elif rel == "this":
        year = anchor.year
    else:
        year = _year_for_month(month, anchor, _hinted_tense(m, tense))
    return "DATE", f"{year:04d}-{month:02d}"


def _year(m, anchor, tense):
    return "DATE", m["year"]


def _bare_year(m, anchor, tense):
    # A four-digit number before a plural noun is a count ('2000 troops'); one far ahead of the dateline is not a year.
    if anchor and int(m["year"]) > anchor.year + 30:
        return None
    return "DATE", m["year"]


def _decade(m, anchor, tense):
    digits = m["dec"] or m["dec2"]
    if len(digits) == 2:
        # The latest such decade that has begun by the dateline.
        year = anchor.year if anchor else 2000
        century = str(year // 100) if int(digits) <= year % 100 else str(year // 100 - 1)
        digits = century + digits
    return "DATE", digits[:3]


def _weekday(m, anchor, tense):
    word = m["wd"]
    if not word[0].isupper() or (len(word) <= 4 and not m.group("x").rstrip().endswith(".") and word.lower() not in ("sunday",)):
        if len(word) <= 4 or not word[0].isupper():
            return None  # "sat", "Wed" without a dot: not a weekday here
    wd = _table()["weekdays"][word.lower().rstrip(".")]
    part = _table()["parts_of_day"].get((m["part"] or "").lower())
    if anchor is None:
        return ("TIME", f"XXXX-WXX-{wd + 1}T{part}") if part else ("DATE", f"XXXX-WXX-{wd + 1}")
    rel = _rel(m)
    tense = _hinted_tense(m, tense) if _hinted_tense(m, tense) == "future" else tense
    if m.string.startswith("'s", m.end()):
        tense = "past"  # "Friday's vote" names a day already reported
    delta = wd - anchor.weekday()
    if rel == "next" or (rel in ("", "this") and tense == "future"):
        if delta < 0 or (rel == "next" and delta == 0):
            delta += 7
    elif rel == "last":
        if delta >= 0:
            delta -= 7
    elif delta > 0:
        delta -= 7  # news reports on days gone by: present and past alike
    day = anchor + dt.timedelta(days=delta)
    return ("TIME", f"{day.isoformat()}T{part}") if part else ("DATE", day.isoformat())


def _deictic_day(m, anchor, tense):
    word = m["word"].lower()
    offsets = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}
    if anchor is None:
        return "DATE", "PRESENT_REF" if word in ("today", "tonight") else ("PAST_REF" if word == "yesterday" else "FUTURE_REF")
    day = anchor + dt.timedelta(days=offsets[word])
    part = _table()["parts_of_day"].get((m["part"] or "").lower())
    if word == "tonight":
        return "TIME", f"{day.isoformat()}TNI"
    return ("TIME", f"{day.isoformat()}T{part}") if part else ("DATE", day.isoformat())


def _this_part_of_day(m, anchor, tense):
    part = _table()["parts_of_day"][m["part"].lower()]
    if anchor is None:
        return None
    day = anchor - dt.timedelta(days=1) if m[0].lower().startswith("last") and part in ("NI", "EV") else anchor
    return "TIME", f"{day.isoformat()}T{part}"


def _relative_period(m, anchor, tense):
    rel, unit = m["rel"].lower(), m["unit"].lower()
    if anchor is None:
        return "DATE", "PAST_REF" if rel in ("last", "past", "previous") else ("FUTURE_REF" if rel in ("next", "coming") else "PRESENT_REF")
    step = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
    if unit == "week":
        return "DATE", _week(anchor + dt.timedelta(weeks=step))
    if unit == "month":
        d = _shift_months(anchor, step)
        return "DATE", f"{d.year:04d}-{d.month:02d}"
    if unit == "year":
        return "DATE", f"{anchor.year + step:04d}"
    if unit == "weekend":
        return "DATE", _week(anchor + dt.timedelta(weeks=step)) + "-WE"
    if unit == "quarter":
        q = (anchor.month - 1) // 3 + step
        year = anchor.year + q // 4
        return "DATE", f"{year:04d}-Q{q % 4 + 1}"
    if unit == "decade":
        return "DATE", f"{(anchor.year // 10 + step):03d}"
    if unit == "century":
        return "DATE", f"{(anchor.year // 100 + step):02d}"
    return None


def _season(m, anchor, tense):
    word = m["season"].lower()
    code = _table()["seasons"][word]
    rel = _rel(m)
    if m["year"]:
        return "DATE", f"{m['year']}-{code}"
    if word in ("fall", "spring") and not rel:
        before = re.search(r"(\w+)\s+$", m.string[max(0, m.start() - 12):m.start()])
        if m.string.startswith(" of", m.end()) or not (m[0].lower().startswith("the") or (before and before[1].lower() in ("in", "during", "since", "until", "by"))):
            return None  # the verb or noun 'fall', 'spring' ('the fall of the city')
    if anchor is None:
        return "DATE", f"XXXX-{code}"
    start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    if rel == "last" and (m["rel"] or "").lower().startswith("this"):
        year = anchor.year if start + 3 <= anchor.month else anchor.year - 1  # "this past spring": the latest one over
    elif rel == "last":
        year = anchor.year - 1
    elif rel == "next":
        year = anchor.year if start > anchor.month else anchor.year + 1
    else:
        year = anchor.year
    return "DATE", f"{year:04d}-{code}"


def _ago(m, anchor, tense):
    n = _number(m["n"])
    unit = _table()["units"][m["unit"].lower()]
    if anchor is None or not isinstance(n, int):
        return "DATE", "PAST_REF"
    if unit == "D":
        return "DATE", (anchor - dt.timedelta(days=n)).isoformat()
    if unit == "W":
        return "DATE", _week(anchor - dt.timedelta(weeks=n))
    if unit == "M":
        d = _shift_months(anchor, -n)
        return "DATE", f"{d.year:04d}-{d.month:02d}"
    if unit == "Y":
        return "DATE", f"{anchor.year - n:04d}"
    if unit == "DE":
        return "DATE", f"{anchor.year - 10 * n:04d}"
    return "DATE", "PAST_REF"


def _duration_value(n, unit_code: str) -> str:
    n = "X" if not isinstance(n, int) else n
    if unit_code.startswith("T"):
        return f"PT{n}{unit_code[1]}"
    if unit_code == "2W":
        return f"P{2 * n if isinstance(n, int) else 'X'}W"
    if unit_code in ("DE", "CE") and isinstance(n, int):
        return f"P{n * (10 if unit_code == 'DE' else 100)}Y"  # TimeML counts decades and centuries in years
    return f"P{n}{unit_code}"


def _duration(m, anchor, tense):
    n = _number(m["n"]) if m["n"] else 1
    unit = _table()["units"].get(m["unit"].lower())
    if unit is None or unit == "WE":
        return None
    if re.match(r"[\s-]+old\b", m.string[m.end():]) or m[0].lower().endswith("old"):
        return None  # an age, which TimeML leaves out
    if re.fullmatch(r"an?", m["n"] or "", re.I) and re.search(r"(?:\d|\b(?:%s))\s+(?:[a-z]+\s+)?$" % _number_words(False), m.string[max(0, m.start() - 30):m.start()], re.I):
        return None  # a rate ("$2 a year", "four flights a week"), not a stretch of time
    if unit == "S" and re.fullmatch(r"an?", m["n"] or "", re.I):
        return None  # "a second round": the ordinal
    if unit == "Q":
        if "-" in m[0] or re.match(r"\s+of\b", m.string[m.end():]):
            return None  # "three-quarters", "a quarter of": fractions
        return "DURATION", _duration_value(3 * n if isinstance(n, int) else n, "M")
    half = {"Y": "6M", "TH": "30M", "TM": "30S", "D": "T12H"}.get(unit)
    if (m["half"] or m["and_half"]) and half and isinstance(n, int):
        return "DURATION", _duration_value(n, unit) + half  # "2 1/2 years" is P2Y6M
    return "DURATION", _duration_value(n, unit)


def _vague_duration(m, anchor, tense):
    unit = _table()["units"].get(m["unit"].lower())
    if unit is None or unit == "WE":
        return None
    return "DURATION", _duration_value(2 if "couple" in m[0].lower() else "X", unit)


def _set(m, anchor, tense):
    word = m["word"].lower()
    unit = _table()["units"].get(m["unit"].lower()) if m["unit"] else None
    if word in ("daily", "nightly"):
        return "SET", "P1D"
    if word == "weekly":
        return "SET", "P1W"
    if word == "monthly":
        return "SET", "P1M"
    if word in ("annually", "yearly"):
        return "SET", "P1Y"
    if unit:
        return "SET", _duration_value(1, unit)
    return None


def _recurring_name(m, anchor, tense):
    """'each Thursday', 'Tuesday nights', 'every July', 'each summer': a set of named times."""
    t = _table()
    part = t["parts_of_day"].get((m["part"] or "").lower().rstrip("s"))
    suffix = f"T{part}" if part else ""
    if m["wd"]:
        return "SET", f"XXXX-WXX-{t['weekdays'][m['wd'].lower()] + 1}{suffix}"
    if m["month"]:
        return "SET", f"XXXX-{t['months'][m['month'].lower()]:02d}"
    return "SET", f"XXXX-{t['seasons'][m['season'].lower()]}"


def _ref(m, anchor, tense):
    return "DATE", _table()["refs"][m["word"].lower()]


def _clock(m, anchor, tense):
    hour = int(m["h"])
    minute = int(m["min"] or 0)
    half = (m["ap"] or "").lower().replace(".", "")
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    day = anchor.isoformat() if anchor else "XXXX-XX-XX"
    return "TIME", f"{day}T{hour:02d}:{minute:02d}"


def _quarter(m, anchor, tense):
    q = _table()["ordinals"].get(m["ord"].lower())
    if not q or not 1 <= q <= 4:
        return None
    if m["year"] or m["yr"]:
        return "DATE", f"{m['year'] or m['yr']}-Q{q}"
    if anchor is None:
        return "DATE", f"XXXX-Q{q}"
    year = anchor.year + {"last": -1, "next": 1}.get((m["rel"] or "").lower(), 0)
    if m["ago"]:
        return "DATE", f"{year - 1}-Q{q}"
    current = (anchor.month - 1) // 3 + 1
    if not m["rel"] and tense != "future" and q > current:
        year -= 1  # a quarter not yet begun, told as done: last year's
    return "DATE", f"{year:04d}-Q{q}"


def _half(m, anchor, tense):
    h = 1 if m["ord"].lower() == "first" else 2
    year = m["year"] or (str(anchor.year) if anchor else "XXXX")
    return "DATE", f"{year}-H{h}"


def _reporting_period(m, anchor, tense):
    """'the quarter', 'the year-ago period': the quarter the report is about, resolved after all are found."""
    mod = (m["mod"] or "").lower()
    if mod == "current" and anchor:
        return "DATE", f"{anchor.year:04d}-Q{(anchor.month - 1) // 3 + 1}"
    if m["unit"].lower() == "period" and not mod:
        return None
    if m["y"]:
        return "DATE", f"{REF}Q={m['y']}|{m['y']}"
    fallback = f"{anchor.year:04d}-QX" if anchor else "XXXX-QX"
    if "year-" in mod:
        return "DATE", f"{REF}Q-1|{anchor.year - 1:04d}-QX" if anchor else "XXXX-QX"
    return "DATE", f"{REF}Q|{fallback}"


def _year_earlier(m, anchor, tense):
    """'a year ago' beside quarterly figures means that quarter a year before."""
    if anchor is None:
        return "DATE", "PAST_REF"
    return "DATE", f"{REF}Q-1|{anchor.year - 1:04d}"


def _the_period(m, anchor, tense):
    """'the year', 'the week', 'the weekend': the one the report stands in, by the dateline."""
    unit = m["unit"].lower()
    if anchor is None:
        return None
    if unit == "year":
        if re.match(r"\s+(?:ended|ending|to\s+(?:date|\w+\.?\s+\d))", m.string[m.end():]):
            return "DURATION", "P1Y"
        return "DATE", f"{anchor.year - (1 if (m['mod'] or '').lower() == 'latest' else 0):04d}"
    if unit == "month":
        return "DATE", f"{anchor.year:04d}-{anchor.month:02d}"
    if unit == "week":
        return "DATE", _week(anchor)
    if tense == "future":
        return "DATE", _week(anchor) + "-WE"
    return "DATE", _week(anchor - dt.timedelta(days=anchor.weekday() + 1)) + "-WE"


def _that_period(m, anchor, tense):
    """'that year', 'later that day': the last year or day the text named."""
    kind = {"year": "Y", "month": "M", "day": "D"}[m["unit"].lower()]
    fallback = {"Y": "XXXX", "M": "XXXX-XX", "D": "XXXX-XX-XX"}[kind]
    return "DATE", f"{REF}{kind}|{fallback}"


def _year_end(m, anchor, tense):
    return ("DATE", f"{anchor.year:04d}") if anchor else ("DATE", "XXXX")


def _spelled_year(m, anchor, tense):
    century = _table()["spelled_years"][m["c"].lower()]
    rest = _number(m["rest"])
    if not isinstance(rest, int):
        parts = re.split(r"[\s-]+", m["rest"].lower())
        values = [_number(p) for p in parts]
        if not all(isinstance(v, int) for v in values):
            return None
        rest = sum(values)
    if not 0 <= rest < 100:
        return None
    return "DATE", f"{century}{rest:02d}"


def _year_2000(m, anchor, tense):
    return "DATE", "2000"


def _ordinal_century(m, anchor, tense):
    n = int(m["n"])
    return "DATE", f"{n - 1:02d}"


def _holiday(m, anchor, tense):
    rule = _table()["holidays"][re.sub(r"\s+", " ", m["name"].lower())]
    rel = _rel(m)

    def on(year: int) -> dt.date:
        if "fixed" in rule:
            mo, d = map(int, rule["fixed"].split("-"))
            return dt.date(year, mo, d)
        if "nth" in rule:
            mo, wd, n = rule["nth"]
            return _nth_weekday(year, mo, wd, n)
        if "election" in rule:
            return _nth_weekday(year, 11, 0, 1) + dt.timedelta(days=1)
        return _easter(year) + dt.timedelta(days=rule["easter"])
    if anchor is None:
        return None
    tense = _hinted_tense(m, tense)
    day = on(anchor.year)
    if rel == "last" or (rel == "" and tense == "past" and day > anchor + dt.timedelta(days=7)):
        day = on(anchor.year - 1) if day >= anchor else day
    elif rel == "next" or (rel == "" and tense == "future" and day < anchor - dt.timedelta(days=7)):
        day = on(anchor.year + 1) if day <= anchor else day
    elif rel == "" and abs((day - anchor).days) > 183:
        day = on(anchor.year + (1 if day < anchor else -1))  # no tense to go by: the nearest one
    return "DATE", day.isoformat()


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = _shift_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> dt.date:
    # Anonymous Gregorian computus (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    mth = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * mth + 114, 31)
    return dt.date(year, month, day + 1)


def _fiscal(m, anchor, tense):
    return "DATE", m["year"]


REF = "REF:"
QUARTER_REACH = 300


def _resolve_references(found: list[Timex]) -> list[Timex]:
    """Fill in values that point back to the last quarter, year or day the text named."""
    last_quarter = None
    last_date = None
    out = []
    for t in sorted(found, key=lambda t: t.start):
        value = t.value
        named = not value.startswith(REF)
        if not named:
            kind, fallback = value[len(REF):].split("|")
            value = fallback
            if last_quarter:
                year, q = last_quarter
                if kind == "Q":
                    value = f"{year}-Q{q}"
                elif kind == "Q-1":
                    value = f"{int(year) - 1:04d}-Q{q}"
                elif kind.startswith("Q="):
                    value = f"{kind[2:]}-Q{q}"
            if last_date and kind in ("Y", "M", "D"):
                width = {"Y": 4, "M": 7, "D": 10}[kind]
                if len(last_date) >= width:
                    value = last_date[:width]
            t = Timex(t.start, t.end, t.type, value)
        if named and re.match(r"\d{4}(?:-\d\d(?:-\d\d)?)?(?:T|$)", value):
            last_date = value
        m = re.fullmatch(r"(\d{4})-Q(\d)", value)
        if m and named:
            last_quarter = (m[1], m[2])
        out.append(t)
    return out


@functools.cache
def _rules() -> list[tuple[re.Pattern, Normalizer]]:
    t = _table()
    months = _alternation(t["months"])
    weekdays = _alternation(t["weekdays"])
    units = _alternation(t["units"])
    numbers = _alternation(k for k in t["numbers"] if k not in ("a", "an", "some", "many"))
    seasons = _alternation(t["seasons"])
    parts = _alternation(t["parts_of_day"])
    refs = _alternation(t["refs"])
    clock_words = _alternation(t["clock_words"])
    weekdays_full = _alternation(w.capitalize() for w in t["weekdays"] if len(w) > 5)
    months_full = _alternation(w.capitalize() for w in t["months"] if len(w) > 4 or w == "may")
    holidays = _alternation(k.replace(" ", "\u0001") for k in t["holidays"] if not k.startswith("_")).replace("\u0001", r"\s+")
    centuries = _alternation(t["spelled_years"])
    rels = _alternation(k.replace(" ", "\u0001") for k in t["relatives"]).replace("\u0001", r"\s+")
    b = r"(?<![\w-])"
    e = r"(?![\w])"
    rules: list[tuple[str, Normalizer, int]] = [
        (rf"{b}(?P<month>{months})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){e}", _full_date, re.I),
        (rf"{b}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{months})\.?,?\s+(?P<year>\d{{4}}){e}", _full_date, re.I),
        (rf"{b}(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d){e}", _iso_date, 0),
        (rf"{b}(?P<month>{months})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{e}(?!\s*(?:,\s*)?\d)", _month_day, re.I),
        (rf"{b}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{months}){e}\.?(?!,?\s*\d)", _month_day, re.I),
        (rf"{b}(?:(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of)[\s-]+)?(?P<month>{months})\.?,?\s+(?P<year>(?:19|20)\d\d){e}", _month_year, re.I),
        (rf"{b}(?:every|each)\s+(?:(?P<wd>{weekdays_full})(?:\s+(?P<part>{parts}))?|(?P<month>{months_full})|(?P<season>{seasons})){e}", _recurring_name, re.I),
        (rf"{b}(?P<wd>{weekdays_full})(?:s|\s+(?P<part>(?:morning|afternoon|evening|night)s)){e}", _recurring_name, 0),
        (rf"{b}(?:(?P<lead>in|since|until|by|during|before|after|from|through|of|to)\s+)?(?P<x>(?:(?P<rel>{rels})\s+)?(?P<mod>(?:early|mid|late)[\s-]+)?(?P<month>{months})){e}", _month_alone, re.I),
        (rf"{b}(?:the\s+)?(?:(?P<rel>{rels})\s+)?(?:(?:early|late|mid)[\s-]+)?(?P<season>{seasons})(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))?{e}", _season, re.I),
        (rf"{b}(?:(?:the|this|that)\s+(?!(?:fiscal[\s-]+)?(?:first|second|third|fourth)-))?(?:(?P<yr>(?:19|20)\d\d)\s+|(?P<rel>this|last|next)\s+year's\s+|(?P<ago>(?:comparable\s+)?year-(?:ago|earlier))\s+)?(?:fiscal[\s-]+)?(?P<ord>first|second|third|fourth)(?:\s+(?:fiscal\s+)?|(?P<adj>-))quarter(?:\s+of\s+(?:fiscal\s+)?(?P<year>(?:19|20)\d\d))?{e}", _quarter, re.I),
        (rf"{b}(?:the\s+)?(?P<ord>first|second|last)\s+half(?:\s+of\s+(?P<year>(?:19|20)\d\d))?{e}", _half, re.I),
        (rf"{b}(?:the|this|that)\s+(?:(?P<mod>latest|recent|same|current|(?:comparable\s+)?year-ago|(?:comparable\s+)?year-earlier|(?P<y>(?:19|20)\d\d))\s+)?(?:fiscal\s+)?(?P<unit>quarter|period){e}", _reporting_period, re.I),
        (rf"{b}(?:comparable\s+)?year-(?:ago|earlier)\s+(?P<mod>)(?P<y>)(?P<unit>quarter|period){e}", lambda m, a, t: ("DATE", f"{REF}Q-1|{a.year - 1:04d}") if a else None, re.I),
        (rf"{b}fiscal(?:\s+year)?\s+(?P<year>(?:19|20)\d\d){e}", _fiscal, re.I),
        (rf"{b}(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:(?P<dec>(?:19|20)\d0)s|['’](?P<dec2>\d0)s){e}", _decade, 0),
        (rf"{b}(?P<x>(?:(?P<rel>{rels})\s+)?(?P<wd>{weekdays})\.?(?:\s+(?P<part>{parts}))?){e}", _weekday, re.I),
        (rf"{b}(?P<word>today|yesterday|tomorrow|tonight)(?:\s+(?P<part>morning|afternoon|evening|night))?{e}", _deictic_day, re.I),
        (rf"{b}(?:this|last)\s+(?P<part>morning|afternoon|evening|night){e}", _this_part_of_day, re.I),
        (rf"{b}(?:a\s+year\s+(?:ago|earlier)|year-(?:ago|earlier)){e}", _year_earlier, re.I),
        (rf"{b}(?:the\s+)?(?P<n>\d+|{numbers}|a|an)\s+(?P<unit>{units})\s+(?:ago|earlier|before(?=\s*[,.;:)]|\s*$)){e}", _ago, re.I),
        (rf"{b}(?:the\s+)?(?:(?P<rel>{rels})\s+)?(?P<name>{holidays}){e}", _holiday, re.I),
        (rf"{b}(?P<c>{centuries})\s+(?P<rest>(?:{numbers})(?:[\s-]+(?:{numbers}))?){e}", _spelled_year, re.I),
        (rf"{b}the\s+year\s+two\s+thousand{e}", _year_2000, re.I),
        (rf"{b}(?:the\s+)?(?P<n>1\d|2[01])(?:st|nd|rd|th)\s+century{e}", _ordinal_century, re.I),
        (rf"{b}(?:the|its)\s+(?:(?P<mod>fiscal|full|current|latest)\s+)?(?:fiscal\s+)?(?P<unit>year|month|week|weekend){e}(?![\s-]+(?:ago|earlier|before|after|later|or|and|of\b|old|long))", _the_period, re.I),
        (rf"{b}(?:(?:later|earlier)\s+)?(?:that|the\s+same|that\s+same)\s+(?P<unit>year|month|day){e}", _that_period, re.I),
        (rf"{b}(?:by\s+|around\s+|at\s+)?(?P<x>year(?:'s)?[\s-]end){e}", _year_end, re.I),
        (rf"{b}(?:the\s+)?(?P<rel>last|next|this|past|previous|current|coming)\s+(?P<unit>week|month|year|weekend|quarter|decade|century){e}(?!\s+(?:of|or))", _relative_period, re.I),
        (rf"{b}(?P<word>every|each|per|daily|weekly|monthly|annually|yearly|nightly)(?:\s+(?P<unit>{units}))?{e}", _set, re.I),
        (rf"{b}(?:the\s+(?:past|last|next|first|coming|latest|year-earlier|year-ago)\s+)?(?P<n>(?!(?:1[89]|20)\d\d\b)\d+|{numbers}|a|an)(?P<half>\s+1/2|\s*½)?[\s-]+(?P<unit>{units}){e}(?P<and_half>\s+and\s+a\s+half)?(?:[\s-]+long)?", _duration, re.I),
        (rf"{b}(?:the\s+)?(?:past|last|next|coming|recent|first|following)\s+(?:few|several|many|couple\s+of)\s+(?P<unit>days|weeks|months|years|decades|hours|minutes){e}", _vague_duration, re.I),
        (rf"(?<!the\s){b}(?:recent|past)\s+(?:years|decades){e}", lambda m, a, t: ("DATE", "PAST_REF"), re.I),
        (rf"{b}(?:the\s+)?(?:past|last|next|coming|recent)\s+(?P<unit>days|weeks|months|years|decades){e}", _vague_duration, re.I),
        (rf"{b}(?:several|many|a\s+few|a\s+couple\s+of)\s+(?P<unit>days|weeks|months|years|decades|hours|minutes){e}", _vague_duration, re.I),
        (rf"(?:(?<=\bfor\s)|(?<=\bover\s)|(?<=\bafter\s)|(?<=\bwithin\s))(?P<unit>days|weeks|months|years|decades|centuries|hours){e}", _vague_duration, re.I),
        (rf"(?<=\bin\s)(?P<unit>years|decades|months|weeks){e}(?=\s*[,.;)])", _vague_duration, re.I),
        (rf"{b}(?P<h>[01]?\d|2[0-3])(?::(?P<min>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]m){e}", _clock, re.I),
        (rf"{b}(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)\s*(?:GMT|UTC|ET|EST|EDT|BST|CET){e}", lambda m, a, t: _clock_24(m, a, t), 0),
        (rf"{b}(?P<word>{clock_words}){e}", _clock_word, re.I),
        (rf"{b}(?P<word>{refs}){e}", _ref, re.I),
        (rf"\b(?:in|since|until|by|of|from|before|after|during|around|early|late|mid)\s+(?P<x>(?:(?:early|late|mid)[\s-]+)?(?P<year>(?:19|20)\d\d)){e}(?![,.]\d)", _year, re.I),
        (rf"{b}(?P<year>(?:19|20)\d\d){e}(?![.,]\d)(?=\s*[,.;:)!?]|\s*$)", _bare_year, 0),
        (r"(?<![$£€\d.,])\b(?P<year>(?:19|20)\d\d)\b(?![.,:/]\d|%|\s*(?:percent|per\s+cent)\b|\s+[a-z]+s\b(?!'))", _bare_year, 0),
    ]
    return [(re.compile(p, flags), f) for p, f, flags in rules]


def _clock_word(m, anchor, tense):
    day = anchor.isoformat() if anchor else "XXXX-XX-XX"
    return "TIME", f"{day}T{_table()['clock_words'][m['word'].lower()]}"


def _clock_24(m, anchor, tense):
    day = anchor.isoformat() if anchor else "XXXX-XX-XX"
    return "TIME", f"{day}T{int(m['h']):02d}:{m['min']}"
