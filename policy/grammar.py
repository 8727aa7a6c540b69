"""The grammar of threshold phrasing: quantities (in digits or words, with their unit), comparators and
the subject terms of each rule kind, for any lender's wording.

Used both ways: `policy.verify` checks that a cited sentence still states a rulebook value, and
`policy.draft` proposes rules from sentences and table rows no one here wrote. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.text import normalise

_UNITS_0_19 = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS_0_19)} | _TENS | {"hundred": 100}
_FRACTIONS = {
    "one-half": Decimal("0.5"),
    "one half": Decimal("0.5"),
    "a half": Decimal("0.5"),
    "one-quarter": Decimal("0.25"),
    "three-quarters": Decimal("0.75"),
}
_WORD = "|".join(sorted(_WORD_VALUES, key=len, reverse=True))
# "forty-three", "ninety six", "one hundred", "one hundred fifteen", "ninety-six and one-half"
_WORD_NUMBER = (
    rf"(?:\b(?:{_WORD})\b(?:[\s-]+(?:and\s+)?(?!one[\s-]half|one[\s-]quarter|three[\s-]quarters)(?:{_WORD})\b)*"
    r"(?:\s+and\s+(?:one-half|one half|a half|one-quarter|three-quarters))?)"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE = r"(?:\s*(?:million|thousand|k\b|m\b))?"

# unit words after a number; order matters (longest first)
_UNIT_AFTER = [
    ("percent", r"\s*(?:%|percent(?:age points?)?\b|per\s?cent\b|pct\b)"),
    ("months", r"\s*-?\s*(?:full\s+)?(?:calendar\s+)?months?\b"),
    ("years", r"\s*-?\s*(?:full\s+)?(?:calendar\s+)?years?\b"),
    ("days", r"\s*-?\s*(?:business\s+|calendar\s+)?days?\b"),
    ("units", r"\s*(?:-\s*)?units?\b"),
]
QUANTITY = re.compile(
    rf"(?P<usd>\$\s?)?(?P<num>{_DIGITS}|{_WORD_NUMBER}){_SCALE}(?P<unit>"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _UNIT_AFTER)
    + ")?",
    re.IGNORECASE,
)
UNITS = ("percent", "usd", "months", "years", "days", "units", "score", "count")


@dataclass(frozen=True)
class Quantity:
    """A number stated in text, with its unit ("count" when the text names none) and where it is."""

    value: Decimal
    unit: str
    span: tuple[int, int]


def word_number(text: str) -> Decimal | None:
    """'forty-three' -> 43, 'one hundred fifteen' -> 115, 'ninety-six and one-half' -> 96.5; None if not."""
    text = text.lower().strip()
    fraction = Decimal(0)
    for words, value in _FRACTIONS.items():
        if text.endswith(" and " + words):
            text, fraction = text[: -len(" and " + words)], value
    total, current = 0, 0
    for word in re.split(r"[\s-]+", text):
        if word == "and":
            continue
        if word not in _WORD_VALUES:
            return None
        value = _WORD_VALUES[word]
        if value == 100:
            current = max(current, 1) * 100
        else:
            current += value
    total += current
    return Decimal(total) + fraction


def _scale(raw: str) -> Decimal:
    low = raw.lower()
    if "million" in low or re.search(r"\dm\b|\sm\b", low):
        return Decimal(1_000_000)
    if "thousand" in low or re.search(r"\dk\b|\sk\b", low):
        return Decimal(1_000)
    return Decimal(1)


def quantities(text: str, *, bare_words: bool = False) -> list[Quantity]:
    """Every number in `text` with its unit: '$832,750' usd, '45%' / 'forty-five percent' percent,
    'six months' months; a bare number is a 'count' (a credit score is a count until a kind reads it).
    A small number in words without a unit ('four principal reasons') counts only with `bare_words`."""
    out: list[Quantity] = []
    for m in QUANTITY.finditer(text):
        raw = m.group("num")
        if not raw or not raw.strip():
            continue
        if raw[0].isdigit():
            try:
                value = Decimal(raw.replace(",", ""))
            except InvalidOperation:
                continue
        else:
            value = word_number(raw)
            if value is None:
                continue
            if not m.group("unit") and not m.group("usd") and value < 13 and not bare_words:
                continue  # "one borrower", "two appraisals": a word number is a quantity only with a unit
        unit = "usd" if m.group("usd") else next((n for n, _ in _UNIT_AFTER if m.group(n)), "count")
        if unit == "usd":
            value *= _scale(m.group(0))
        out.append(Quantity(value, unit, m.span()))
    return out


def same_quantity(stated: Quantity, value: Decimal, unit: str) -> bool:
    """Whether a stated quantity is the rulebook's `value` in `unit`. A 'count' in the text matches
    any unit a kind reads as a plain number (score, count, months, years), never percent or dollars:
    '620' is a score, but '45' is not '45%'."""
    if stated.value != value:
        return False
    if stated.unit == unit:
        return True
    plain = {"score", "count", "months", "years", "days", "units"}
    return stated.unit == "count" and unit in plain


# --- comparators -------------------------------------------------------------------------------------------
AT_MOST = re.compile(
    r"\b(?:maximum|max\.?|may not exceed|must not exceed|cannot exceed|can not exceed|not to exceed|"
    r"does not exceed|do not exceed|shall not exceed|will not exceed|no greater than|not greater than|"
    r"no more than|not more than|at or below|at or under|at most|up to|ceiling(?: of)?|cap(?:ped)? at|"
    r"limited to|limits?\b[^.]{0,40}\bto|or less|or lower|or below|less than or equal to|highest)\b",
    re.IGNORECASE,
)
AT_LEAST = re.compile(
    r"\b(?:minimum|min\.?|at least|no less than|not less than|no lower than|not lower than|or higher|"
    r"or more|or greater|or above|at or above|floor(?: of)?|lowest|must exceed|must be above|"
    r"greater than or equal to)\b",
    re.IGNORECASE,
)
ABOVE = re.compile(r"\b(?:above|exceeds?|exceeding|over|greater than|more than|higher than)\b", re.IGNORECASE)


def comparator(text: str) -> str | None:
    """'max', 'min' or None: the direction a sentence bounds a figure in."""
    most, least = AT_MOST.search(text), AT_LEAST.search(text)
    if most and not least:
        return "max"
    if least and not most:
        return "min"
    if most and least:
        return "max" if most.start() < least.start() else "min"
    return None


# --- the subject of each rule kind -------------------------------------------------------------------------
# A sentence speaks about a kind when one term of EVERY group is in it. Lower case, matched on words.
_SCORE = r"(?:credit|decision|fico|qualifying|representative)\s+score|\bfico\b|\bscore\b"
_DTI = (
    r"\bdti\b|debt[\s-]+to[\s-]+income|total debt ratio|back[\s-]*end(?:\s+ratio)?|total (?:obligations|"
    r"debt) ratio|debt ratio"
)
_FRONT = r"housing (?:expense )?ratio|front[\s-]*end|payment[\s-]+to[\s-]+income|\bpti\b|housing[\s-]+to[\s-]+income"
_LTV = r"\bc?ltv\b|loan[\s-]+to[\s-]+value|combined loan[\s-]+to[\s-]+value|financing"
SUBJECTS: dict[str, tuple[str, ...]] = {
    "min_credit_score": (_SCORE,),
    "max_ltv_by_credit_score": (_SCORE, _LTV),
    "review_score_band": (_SCORE,),
    "max_dti": (_DTI,),
    "max_dti_with_review": (_DTI,),
    "dti_ineligible_above": (_DTI,),
    "dti_review_above": (_DTI,),
    "max_front_end": (_FRONT,),
    "max_ltv": (_LTV,),
    "fixed_rate_above_ltv": (_LTV,),
    "review_above_ltv": (_LTV,),
    "mi_required_above_ltv": (r"mortgage insurance|\bpmi\b|\bmi\b", _LTV),
    "mi_annual_rate": (r"mortgage insurance|\bpmi\b|\bmi\b|\bmip\b|premium|annual fee",),
    "mi_upfront_rate": (r"premium|upfront|up-front|funding fee|guarantee fee",),
    "conforming_limit": (r"conforming",),
    "max_loan_amount": (r"loan amount|loan size|loans? (?:of|above|over|up to)|balance",),
    "min_reserves_months": (r"reserves?",),
    "reserves_other_properties": (r"reserves?|months",),
    "max_income_pct_ami": (r"income",),
    "min_employment_years": (r"employ|work history|self-employ",),
    "max_term_months": (r"term|years|amortiz",),
    "max_points_and_fees_pct": (r"points and fees|points & fees|fees",),
    "notice_deadline_days": (r"notice|notif",),
    "max_adverse_reasons": (r"reasons?",),
    "arm_qualifying_rate_add": (r"adjustable|\barm\b|qualif",),
    "first_time_homebuyer": (r"first[\s-]+time", r"own(?:ed|ership|s)?\b"),
    "mi_annual_schedule": (r"premium|\bmip\b", r"schedule"),
    "required_term_product": (r"fixed[\s-]+rate", r"term"),
    "debt_subordinate_payment": (r"\bdebts?\b|obligations?|\bliens?\b", r"disclosed|any other|subordinate"),
}


def speaks_of(kind: str, text: str) -> bool:
    """Whether `text` names the subject of `kind` (True for a kind without a vocabulary)."""
    groups = SUBJECTS.get(kind)
    return groups is None or all(re.search(group, text, re.IGNORECASE) for group in groups)


# --- words, for comparing two phrasings of one rule --------------------------------------------------------
_SYNONYMS = [
    (
        r"(?:back[\s-]*end\s+)?(?:debt[\s-]+to[\s-]+income|\bdti\b)(?: ratio)?|total debt ratio|back[\s-]*end ratio",
        "dti",
    ),
    (r"loan[\s-]+to[\s-]+value(?: ratio)?|\bltv ratio\b", "ltv"),
    (r"combined ltv|\bcltv\b", "cltv"),
    (r"housing (?:expense )?ratio|front[\s-]*end(?: ratio)?", "housing_ratio"),
    (r"(?:credit|decision|fico|qualifying) score", "score"),
    (r"mortgage insurance premium|\bmip\b|private mortgage insurance|\bpmi\b|mortgage insurance", "mi"),
    (
        r"may not exceed|must not exceed|cannot exceed|can not exceed|not to exceed|no greater than|no more than|"
        r"at or below|at most|up to|ceiling of|capped at|limited to|maximum|max\b",
        "max",
    ),
    (
        r"at least|no less than|not less than|no lower than|or higher|or more|or greater|at or above|floor of|"
        r"minimum|min\b",
        "min",
    ),
    (r"first[\s-]+time (?:home ?buyers?|homebuyers?|buyers?)", "first_time"),
    (r"cash[\s-]+out", "cash_out"),
    (r"rate[\s/-]+(?:and[\s-]+)?term", "rate_term"),
    (r"owner[\s-]+occupied|principal residence|primary residence|primary home", "primary"),
    (r"second homes?|vacation homes?", "second_home"),
    (r"investment propert(?:y|ies)|investor|non[\s-]+owner[\s-]+occupied|rental propert(?:y|ies)", "investment"),
    (r"(?:two|2)[\s-]+(?:to|-|through)[\s-]+(?:four|4)[\s-]+units?|multi[\s-]+units?", "multi_unit"),
    (r"(?:one|single|1)[\s-]+units?|single[\s-]+family", "one_unit"),
    (r"\bloans?\b|\bmortgages?\b", "loan"),
]
_STOP = frozenset(
    "a an the is are be of for to and or in on with by at as that this it its our we us any each every which "
    "who whom whose will must shall may can than then from into when where if not no".split()
)


def canonical_words(text: str) -> frozenset[str]:
    """The sentence's content words with synonyms folded and numbers dropped, for comparing phrasings."""
    low = normalise(text).lower()
    for pattern, token in _SYNONYMS:
        low = re.sub(pattern, f" {token} ", low)
    low = QUANTITY.sub(" ", low)
    words = re.findall(r"[a-z_]+", low)
    return frozenset(_stem(w) for w in words if w not in _STOP and len(w) > 1)


def _stem(word: str) -> str:
    """Plural to singular: 'properties' -> 'property', 'taxes' -> 'tax', 'purchases' -> 'purchase'."""
    if len(word) <= 4 or "_" in word or word.endswith("ss"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the cited sentence's words (`a`) the candidate (`b`) also has, damped by the candidate's
    extra words: 1.0 for the same words, ~0.5 for a loose paraphrase, near 0 for another subject."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / len(a) * (shared / len(b)) ** 0.5
