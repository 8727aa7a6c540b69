"""Which documents a question names ("under RESPA", "What does Regulation X say ..."), read from the
documents' own names (pure).

A question that names a document asks what that document says: an answer quoted from another
document ("What credit score is required under RESPA?" answered from Regulation C's reporting rules)
answers a different question. A document is named by a part of its name of two words or more
("Regulation X", "Real Estate Settlement Procedures Act", "12 CFR Part 1024": the name split at
" - ", " — ", ":" and parentheses), or by the initials of a part of three words or more ("RESPA"),
whole words only; a single word ("FHA", "jumbo") names a program, not a document, and scopes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_SPLIT = re.compile(r"\s+[-\u2013\u2014]\s+|[():;]")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*")
_MINOR = frozenset("a an and as at by for from in of on or the to with".split())


def document_aliases(doc_name: str) -> tuple[list[str], list[str]]:
    """(name parts matched without regard to case, initials matched as written) of `doc_name`."""
    parts, initials = [], []
    for part in (p.strip() for p in _SPLIT.split(doc_name)):
        words = _WORD.findall(part)
        if len(words) >= 2:
            parts.append(" ".join(words))
        major = [w for w in words if w.lower() not in _MINOR]
        if len(major) >= 3 and all(w[0].isupper() for w in major):
            initials.append("".join(w[0] for w in major))
    return parts, initials


def named_documents(texts: Sequence[str], doc_names: Iterable[str]) -> set[str]:
    """The names among `doc_names` that any of `texts` (a question and its retrieval variants) names."""
    words = [" ".join(_WORD.findall(t)) for t in texts]
    lowered = [f" {w.lower()} " for w in words]
    spaced = [f" {w} " for w in words]
    named = set()
    for doc in doc_names:
        parts, initials = document_aliases(doc)
        if any(f" {p.lower()} " in t for p in parts for t in lowered) or any(
            f" {i} " in t for i in initials for t in spaced
        ):
            named.add(doc)
    return named
