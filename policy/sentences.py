"""Obligation detection for policy text, as ingested (PDF text) or as regulation prose, over the sentences
of the one splitter (core.sentences: abbreviations, list numbers, table lines, page breaks inside a
sentence), read as whitespace-normalised strings.
"""

from __future__ import annotations

import re

from core.sentences import ITEM, sentence_spans
from core.text import normalise

# Words and phrases that make a sentence an obligation: something a file, a borrower, a lender or
# an underwriter must do, may not do, or a limit it must stay within.
OBLIGATION = re.compile(
    r"\b(?:must|shall|only|required|requires?|ineligible|not eligible|not permitted|may not|at least|"
    r"no more than|no later than|not to exceed|never|cannot|can not|prohibited|prohibits|not allowed|"
    r"not accepted|do not|does not accept|is not used|are not used|minimum|maximum|at most|may exceed|"
    r"will not|no one may|always|not offered|no exceptions?)\b",
    re.IGNORECASE,
)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (core.sentences, the one splitter), each whitespace-normalised."""
    return [normalise(text[start:end]) for start, end in sentence_spans(text)]


def is_obligation(sentence: str) -> bool:
    return bool(OBLIGATION.search(sentence))


def obligation_sentences(text: str) -> list[str]:
    """Every obligation sentence of `text`, in order, without repeats. A list item under an obliging
    lead-in ("These items always require a human underwriter's signature:") is an obligation too."""
    seen: dict[str, None] = {}
    lead_obliges = False
    for sentence in split_sentences(text):
        item = bool(ITEM.match(sentence))
        if is_obligation(sentence) or (item and lead_obliges):
            seen.setdefault(sentence, None)
        if not item:
            lead_obliges = sentence.endswith(":") and is_obligation(sentence)
    return list(seen)
