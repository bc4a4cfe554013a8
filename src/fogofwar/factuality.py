"""Event status and factuality: how sure the report is that each event happened.

Two sources of evidence, combined: the clause around a predicate (negation,
modality, condition, future, desire, belief, a reporting verb above it) and
the claims that carry an event (one source asserts, another cannot confirm,
a party alleges...). Values are on FactBank's scale, -3 (certainly not)
through 0 (uncommitted) to +3 (certainly happened).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .claims import LinearModel
from .lexicons import load_table
from .models import Claim, Event, Predicate, SourceDocument
from .nlp import sentence_of
from .spans import SpanIndex, inside_any

__all__ = ["Assessment", "assess_events", "find_predicates", "local_category", "mention_category", "open_possibility",
           "UNSETTLING"]

PREDICATE_POS = {"VERB", "NOUN"}
CLAUSE_CLIMB = {"xcomp", "ccomp", "advcl", "conj", "relcl", "acl", "pcomp", "pobj", "prep", "dobj"}


@dataclass(frozen=True)
class Assessment:
    """What the claims stage concludes about one event."""

    event_id: str
    status: str
    factuality: float
    claims: tuple[str, ...]


@dataclass(frozen=True)
class _Cues:
    values: dict
    status_values: dict
    modal: frozenset
    future: frozenset
    future_verbs: frozenset
    desire: frozenset
    neg_implicative: frozenset
    belief: frozenset
    conditional: frozenset
    negation: frozenset
    cancel_words: frozenset
    preventing: frozenset  # cancel words whose argument never took place (not "suspend")
    purpose: frozenset     # "its purpose was to ...": what is aimed at, not done
    warning: frozenset     # "warned against attacks": what is warned against has not been done
    bracing: frozenset     # "bracing for attacks": what is braced for is to come
    sending: frozenset     # "a unit sent to assassinate him": what forces are sent to do is to come
    possible: frozenset    # "it is possible to bomb ...": what can be done, not what was


@functools.cache
def _cues() -> _Cues:
    t = load_table("factuality")
    return _Cues(t["values"], t["status_values"], frozenset(t["modal_words"]), frozenset(t["future_words"]),
                 frozenset(t["future_verbs"]), frozenset(t["desire_verbs"]), frozenset(t["neg_implicative_verbs"]),
                 frozenset(t["belief_verbs"]), frozenset(t["conditional_marks"]), frozenset(t["negation_words"]),
                 frozenset(t["cancel_words"]), frozenset(t["cancel_words"]) - frozenset(t["halting_words"]),
                 frozenset(t["purpose_nouns"]), frozenset(t["warning_verbs"]), frozenset(t["bracing_verbs"]),
                 frozenset(t["sending_verbs"]),
                 frozenset(t["possibility_adjectives"]))


@functools.cache
def _report_verbs() -> frozenset:
    return frozenset(load_table("cues")["verbs"])


def local_category(token: Token) -> tuple[str, bool]:
    """(category, negated) of a predicate from its own clause and the verbs above it."""
    category, negated, _ = category_path(token)
    return category, negated


def category_path(token: Token) -> tuple[str, bool, str]:
    """(category, negated, path): the path is the dependency labels climbed to the word that set
    the category ("" when the predicate's own clause set it), since a cue several clauses up
    ("would like to thank them for their work") says less than one on the predicate itself."""
    cues = _cues()
    negated = any(c.dep_ == "neg" or c.lower_ in ("never",) and c.dep_ in ("neg", "advmod")
                  or c.dep_ == "det" and c.lower_ == "no" and token.pos_ == "NOUN" for c in token.children)  # "no fighting"
    children = list(token.children)
    aux = {c.lower_ for c in children if c.dep_ in ("aux", "auxpass", "advmod")}
    sent = sentence_of(token)
    if any(c.dep_ == "mark" and c.lower_ in cues.conditional for c in children):
        return "conditional", negated, ""
    if sent.text.rstrip().rstrip("\"'\u201d\u2019").endswith("?"):  # a question, quoted or not
        return "question", negated, ""
    if token.dep_ == "ROOT" and token.tag_ == "VB" and not any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in children):
        return "imperative", negated, ""
    stopper = _stopping_word(token)
    if stopper is not None and stopper.lemma_.lower() in cues.preventing and _is_realized(stopper):
        return "cancelled", negated, ""
    if aux & cues.modal:
        return "modal", negated, ""
    if aux & cues.future:
        return "future", negated, ""
    if token.dep_ in ("csubj", "nsubj") and token.head.lemma_.lower() == "be" and any(
            c.dep_ == "attr" and c.lemma_.lower() in cues.purpose for c in token.head.children):
        return "desire", negated, "nsubj<"  # "liberating Donbas is Moscow's primary objective"
    head, path = token, ""
    for _ in range(3):
        if head.dep_ not in CLAUSE_CLIMB or head.head is head:
            break
        # A conjunct with its own auxiliary or subject ("can fly ... and has been named") is a
        # clause of its own: it does not share the first conjunct's modal or condition.
        # (A passive's "be" alone is no clause of its own: "may fall to the ground or be hijacked".)
        if head.dep_ == "conj" and any(c.dep_ in ("aux", "nsubj", "nsubjpass") or c.dep_ == "auxpass" and c.tag_ != "VB"
                                       for c in head.children):
            break
        dep, below = head.dep_, head
        path += dep + "<"
        head = head.head
        lemma = head.lemma_.lower()
        if dep == "prep" and below.lower_ == "by":
            # "will retaliate by destroying Moscow", "could be aiming, by perpetrating an attack, to ...": the
            # means of a deed to come is to come.
            head_aux = {c.lower_ for c in head.children if c.dep_ == "aux"}
            if head_aux & cues.modal:
                return "modal", negated, path
            if head_aux & cues.future:
                return "future", negated, path
        if dep == "prep" and below.lower_ == "against" and lemma in cues.warning:
            return "future", negated, path  # "warning NATO against attacks on Russia"
        if dep == "prep" and below.lower_ == "for" and lemma in cues.bracing:
            return "future", negated, path  # "Kyiv is bracing for heavy attacks"
        to_infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in below.children)
        if dep in ("advcl", "xcomp") and to_infinitive and (lemma in cues.sending or lemma == "go" and head.tag_ == "VBG"):
            return "future", negated, path  # "a unit sent to assassinate Zelensky", "they're going to carry out strikes"
        if any(c.dep_ == "mark" and c.lower_ in cues.conditional for c in head.children) and dep != "ccomp":
            return "conditional", negated, path
        if dep == "xcomp" and lemma == "be" and any(c.dep_ == "nsubj" and c.lemma_.lower() in cues.purpose
                                                    for c in head.children):
            return "desire", negated, path  # "its purpose was to destroy the runway"
        if dep == "xcomp" and (lemma in cues.possible or lemma == "be" and any(
                c.dep_ == "acomp" and c.lemma_.lower() in cues.possible for c in head.children)):
            return "conditional", negated, path  # "how it is possible to bomb a children's hospital": no deed told
        if dep == "xcomp" and lemma in cues.neg_implicative:
            return "neg_implicative", negated, path
        if dep == "xcomp" and lemma in cues.future_verbs:
            return "future", negated, path
        if dep == "acl" and head.pos_ == "NOUN" and lemma in cues.future_verbs and below.tag_ == "VB":
            return "future", negated, path  # "denied any plans to attack Kyiv", "a vow to retake Crimea"
        if dep in ("xcomp", "dobj", "pobj", "pcomp", "prep", "acl") and lemma in cues.desire:
            return "desire", negated, path
        if dep == "ccomp" and lemma in cues.belief:
            return "belief", negated, path
        if dep == "ccomp" and lemma in _report_verbs():
            return "report", negated, path
        if {c.lower_ for c in head.children if c.dep_ == "aux"} & cues.modal and dep in ("xcomp", "conj"):
            return "modal", negated, path
    return "plain", negated, ""


def predicate_features(token: Token) -> list[str]:
    """Features of a predicate for the factuality model: its clause cues and the verbs above it."""
    category, negated, path = category_path(token)
    lem = token.lemma_.lower()
    neg = str(negated)
    f = ["b", "cat=" + category, "neg=" + neg, "catneg=" + category + "|" + neg, "pos=" + token.pos_,
         "tag=" + token.tag_, "dep=" + token.dep_, "l=" + lem, "lpos=" + lem + "|" + token.pos_,
         "tagneg=" + token.tag_ + "|" + neg, "catpath=" + category + "|" + path,
         f"catdepth={category}|{path.count('<')}|{token.pos_}"]
    for c in token.children:
        if c.dep_ in ("aux", "auxpass", "neg", "mark", "advmod", "prt", "det", "expl"):
            f += ["c=" + c.dep_ + "|" + c.lower_, "cn=" + c.dep_ + "|" + c.lower_ + "|" + neg]
        else:
            f.append("cd=" + c.dep_)
    node, path = token, ""
    for level in range(3):
        if node.head.i == node.i:
            f.append(f"root@{level}")
            break
        path += node.dep_ + "<"
        node = node.head
        hl = node.lemma_.lower()
        f += [f"h{level}={path}{hl}", f"hp{level}={path}{node.pos_}", f"hn{level}={path}{hl}|{neg}"]
        for c in node.children:
            if c.dep_ in ("aux", "neg", "mark") or c.lower_ in _cues().negation:
                f.append(f"h{level}c={c.dep_}|{c.lower_}")
    if sentence_of(token).text.rstrip().endswith("?"):
        f.append("question")
    return f + _extra_features(token)


QUOTE_CHARS = frozenset('"\u201c\u201d')


def _extra_features(token: Token) -> list[str]:
    """More predicate features: the argument of a cancelling or neg-implicative word ("the delayed
    departure", "cancel the deal"), an infinitive with its governor's tense, the governors' tags,
    being inside a quotation."""
    f = []
    cues = _cues()
    head = token.head
    governor = _stopping_word(token)
    if governor is not None:
        lemma = governor.lemma_.lower()
        # A cancellation that has taken place ("the cancelled deal", "was delayed") stops the event;
        # one that is only threatened or denied ("could delay", "won't delay") does not.
        realized = "realized" if _is_realized(governor) else "potential"
        if lemma in cues.cancel_words:
            f += ["narg=cancel", "narg=cancel|" + token.pos_, "narg=cancel|" + realized]
        else:
            f += ["narg=stop", "narg=stop|" + token.dep_, "narg=stop|" + realized]
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        f += ["inf", "inf|" + token.dep_, "inf|" + token.dep_ + "|" + head.tag_, "inf|" + head.tag_]
        if head.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in head.children):
            f.append("inf|govpast")
    node, path = token, ""
    for level in range(2):
        if node.head.i == node.i:
            break
        path += node.dep_ + "<"
        node = node.head
        f.append(f"ht{level}={path}{node.tag_}")
    sent = sentence_of(token)
    if sum(1 for t in sent if t.i < token.i and t.text in QUOTE_CHARS) % 2:
        f.append("inquote")
    return f


def _stopping_word(token: Token) -> Token | None:
    """The cancelling or neg-implicative word whose argument the predicate is, if any: a modifier
    ("the now-cancelled deal", "the delayed departure"), a governing verb ("cancel the deal",
    "the departure was delayed") or a governing noun ("a delay in delivery")."""
    cues = _cues()

    def stopping(t: Token) -> bool:
        lemma = t.lemma_.lower()
        return lemma in cues.cancel_words or lemma in cues.neg_implicative

    modifier = next((c for c in token.children if c.dep_ in ("amod", "compound") and stopping(c)), None)
    if modifier is not None:
        return modifier
    head = token.head
    if token.dep_ in ("dobj", "nsubjpass"):
        governor = head
    elif token.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "NOUN":
        governor = head.head  # "a delay in delivery", not "suspended amid turmoil"
    elif token.dep_ in ("acl", "relcl"):
        # "the cancelled deal to lease": the infinitive shares its noun's fate.
        governor = next((c for c in head.children if c.dep_ in ("amod", "compound")
                         and c.lemma_.lower() in cues.cancel_words), None)
    else:
        governor = None
    return governor if governor is not None and stopping(governor) else None


def _is_realized(word: Token) -> bool:
    """Whether a cancelling word says the cancellation happened: no modal, future, negation or
    infinitive marker on it, and no desire or plan verb above it."""
    cues = _cues()
    clause = [word, word.head] if word.dep_ == "conj" else [word]  # "to impede or delay"
    marks = {c.lower_ for w in clause for c in w.children if c.dep_ in ("aux", "neg", "advmod")}
    if marks & (cues.modal | cues.future | cues.negation | {"to"}):
        return False
    return not (clause[-1].dep_ == "xcomp" and clause[-1].head.lemma_.lower() in cues.desire | cues.future_verbs)


@functools.cache
def _models() -> tuple[LinearModel, LinearModel, dict]:
    t = load_table("factuality_model")
    r, c = t["regression"], t["certain"]
    return (LinearModel(r["bias"], r["weights"]), LinearModel(c["bias"], c["weights"], c.get("threshold", 0.5)),
            t.get("snap", {}))


def local_value(token: Token) -> float:
    """A predicate's factuality from its clause alone: +3 where the model finds that likelier
    than not, or where the regression's estimate is close enough to +3 (most predicates are
    rated exactly +3), else that estimate, clipped to the scale."""
    regression, certain, snap = _models()
    features = predicate_features(token)
    if "cat=cancelled" in features:
        # Too rare in the training data for the model to learn; the rule caps it.
        return max(-3.0, min(_cues().values["cancelled"], regression.score(features)))
    if certain.probability(features) >= certain.threshold:
        return 3.0
    value = regression.score(features)
    if value >= snap.get(token.pos_, snap.get("default", 3.0)):
        return 3.0
    return max(-3.0, min(3.0, value))


def find_predicates(doc: Doc, source: SourceDocument) -> list[Predicate]:
    """Every verbal predicate, and every qualified nominal one, with its factuality (written with --predicates)."""
    out = []
    for token in doc:
        if token.pos_ not in PREDICATE_POS or inside_any(source.furniture, token.idx):
            continue
        value = round(local_value(token), 2)
        # A noun is listed only where its clause qualifies it ("the planned offensive"): listing
        # every noun at +3 would add nothing, as an unlisted predicate is taken to be factual.
        if token.pos_ == "NOUN" and value >= 3.0:
            continue
        out.append(Predicate(start=token.idx, end=token.idx + len(token), text=token.text, factuality=value))
    return out


def assess_events(doc: Doc, events: list[Event], claims: list[Claim]) -> list[Assessment]:
    """Status and factuality of every happening from each mention's clause and every claim about it.

    A mention that is only hypothetical, planned or generic ("a forced pullout would mark...") says
    nothing about whether the happening took place: the others decide, and it counts only when
    every mention is of that kind.
    """
    cues = _cues()
    out = []
    # Claims filed by their content's span: scanning every claim for each mention made this quadratic.
    contents = SpanIndex()
    for c in claims:
        contents.add(c.content.start, c.content.end, c)
    for event in events:
        readings = []
        for mention in event.mentions or [event]:
            span = doc.char_span(mention.trigger.start, mention.trigger.end, alignment_mode="expand")
            word = _carrying_verb(span[0]) if span is not None and len(span) else None
            category, negated = mention_category(word) if word is not None else ("plain", False)
            carrying = contents.containing(mention.trigger.start)
            status = _status(category, negated, {c.stance for c in carrying})
            if status == "hedged" and category == "modal" and (open_possibility(word) or _counterfactual(word)):
                status = "hypothetical"
            elif category == "neg_implicative" and _never_done(word) or _yet_to(word):
                status = "negated"  # "refused to fight", "failed to take Kyiv", "have yet to take Kyiv"
            elif status in ("asserted", "reported") and span is not None and len(span) and _possible_deed(span[0]):
                status = "hypothetical"
            value = cues.status_values[status]
            if category not in ("plain", "report") and status not in ("negated",):
                value = min(value, cues.values[category])
            readings.append((status, value, carrying))
        status, value = _combined_status(readings, cues)
        carrying_ids = tuple(dict.fromkeys(c.id for _, _, cs in readings for c in cs))
        out.append(Assessment(event.id, status, round(value, 2), carrying_ids))
    return out


def _carrying_verb(token: Token) -> Token:
    """The verb a deed noun is told through ("could launch a strike", "could come under shelling"), else the word."""
    verbs = load_table("factuality")["carrying_verbs"]
    if token.pos_ != "NOUN":
        return token
    if token.dep_ == "dobj" and token.head.pos_ == "VERB" and token.head.lemma_.lower() in verbs:
        return token.head
    if (token.dep_ == "pobj" and token.head.lower_ == "under" and token.head.head.pos_ == "VERB"
            and token.head.head.lemma_.lower() in verbs):
        return token.head.head
    return token


def _yet_to(token: Token | None) -> bool:
    """Whether the word is what has "yet to" be done ("have yet to take control of Kyiv"): not done so far."""
    return (token is not None and token.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
            and token.head.lemma_.lower() in ("have", "be", "remain")
            and any(c.dep_ == "advmod" and c.lower_ == "yet" for c in token.head.children))


def _never_done(token: Token) -> bool:
    """Whether a neg-implicative above the word says it was not done ("refused to go and fight")."""
    never = load_table("factuality")["never_done_verbs"]
    head = token
    for _ in range(3):
        if head.dep_ not in ("xcomp", "conj") or head.head is head:
            return False
        head = head.head
        if head.lemma_.lower() in never:
            return True
    return False


def open_possibility(token: Token) -> bool:
    """A modal verb before a bare verb tells what may yet be done ("Russia could invade", "may strike
    again"), not a hedged report of a deed ("may have struck", "could be preparing", "reportedly shelled")."""
    bare = token.tag_ == "VB" or token.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.tag_ == "VB" for c in token.children)
    if bare and token.dep_ == "conj" and not any(c.dep_ == "aux" for c in token.children):
        token = token.head  # "may fall to the ground or be hijacked": the first conjunct's modal
    return bare and any(c.dep_ == "aux" and c.tag_ == "MD" and c.lower_ not in _cues().future for c in token.children)


def _counterfactual(token: Token) -> bool:
    """"would otherwise have been destroyed", "should have hit": what did not happen (unlike "may have struck")."""
    aux = [c for c in token.children if c.dep_ == "aux"]
    return any(c.lower_ in ("would", "should", "'d") for c in aux) and any(c.lower_ == "have" for c in aux)


def _possible_deed(token: Token) -> bool:
    """A noun for a deed that may yet be: "a potential attack", "an imminent invasion", "invasion plans"."""
    if token.pos_ != "NOUN":
        return False
    t = load_table("factuality")
    if any(c.dep_ == "amod" and c.lower_ in t["possibility_modifiers"] for c in token.children):
        return True
    return token.dep_ == "compound" and token.head.lemma_.lower() in t["plan_nouns"]


UNSETTLED = ("future", "hypothetical")
UNSETTLING = ("conditional", "question", "future", "desire", "modal")


def mention_category(token: Token) -> tuple[str, bool]:
    """A noun that is the subject of an unsettled clause ("a forced pullout would mark ...") is as
    unsettled as that clause."""
    category, negated = local_category(token)
    if category == "plain" and token.pos_ == "NOUN" and token.dep_ in ("nsubj", "nsubjpass") and token.head != token:
        head_category, _ = local_category(token.head)
        if head_category in UNSETTLING:
            return "conditional", negated  # talk of what it would mean: no report that it happened
    return category, negated


def _combined_status(readings: list[tuple[str, float, list[Claim]]], cues) -> tuple[str, float]:
    """One status for a happening: the mentions that tell it as having happened (or not), with every
    stance any source takes towards any of them."""
    factual = [r for r in readings if r[0] not in UNSETTLED]
    if not factual:
        status = "future" if any(r[0] == "future" for r in readings) else "hypothetical"
        return status, max(v for s, v, _ in readings if s == status)
    if len(factual) == 1:
        return factual[0][0], factual[0][1]
    statuses = {s for s, _, _ in factual}
    stances = {c.stance for _, _, cs in factual for c in cs}
    positive = bool(stances & {"assert", "acknowledge"}) or bool(statuses & {"asserted", "reported"})
    if stances & {"deny"} or statuses & {"denied", "negated", "disputed"}:
        if positive:
            status = "disputed"
        else:
            status = "denied" if "denied" in statuses or "deny" in stances else "negated"
    elif "doubt" in stances or "unconfirmed" in statuses:
        status = "unconfirmed"
    elif "allege" in stances or "alleged" in statuses:
        status = "alleged"
    elif statuses <= {"hedged"}:
        status = "hedged"
    elif stances or "reported" in statuses:
        status = "reported"
    else:
        status = "asserted"
    # A happening is no surer than the surest way any mention tells it.
    value = min(cues.status_values[status], max(v for _, v, _ in factual))
    return status, value


def _status(category: str, negated: bool, stances: set[str]) -> str:
    if negated or category == "cancelled":
        return "negated"
    if category == "conditional" or category == "question":
        return "hypothetical"
    if category in ("future", "desire"):
        return "future"
    positive = stances & {"assert", "acknowledge"}
    if "deny" in stances:
        return "disputed" if positive else "denied"
    if "doubt" in stances:
        return "unconfirmed"
    if "allege" in stances:
        return "alleged"
    if category in ("modal", "neg_implicative") or "believe" in stances:
        return "hedged"
    if stances and stances <= {"warn", "predict"}:
        return "future"
    if stances:
        return "reported"
    return "asserted"
