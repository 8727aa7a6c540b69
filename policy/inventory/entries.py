"""The requirement inventory: every obligation sentence of the policy corpus mapped to what the engine does.

`seed_data/requirements.json` lists each obligation sentence (as the ingested PDF text reads, whitespace
normalised) with exactly one kind (`maps_to`):
  rule                the sentence states rules in `seed_data/rulebook.json` that the engine evaluates (`rules`);
  review              the policy says a person must decide; `applies_when` says on which files (never empty),
                      giving a REVIEW finding with the citation (-> REFER with the reason);
  file_condition      documentation to obtain or verify before closing on the files `applies_when` selects
                      (never empty): a CONDITION finding -> APPROVE_WITH_CONDITIONS;
  standard_condition  documentation every file of the program carries (no `applies_when`): listed with its
                      citation, does not change APPROVE; `why` says so where the sentence names files the
                      application has no data to select (the underwriter verifies it on every file);
  not_obligation      no file obligation (a table header, a preamble, a definition, a list's lead-in whose
                      items are mapped one by one); `why` (one line) is required.
A sentence no one has classified yet is `unclassified`: the draft helper proposes it and the inventory
refuses to load with it, so a new policy sentence cannot reach the engine without a person's decision.
`coverage_gaps` is what the inventory test runs over the DB corpus.

    python -m policy.inventory --draft   # print entries for unmapped sentences of seed_data/policies
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import ConfigurationError
from core.schemas import LoanApplication
from core.settings import PROJECT_ROOT
from policy.rules import load_rules
from policy.sentences import obligation_sentences

DEFAULT_INVENTORY_PATH = PROJECT_ROOT / "seed_data" / "requirements.json"
KINDS = ("rule", "review", "file_condition", "standard_condition", "not_obligation")
UNCLASSIFIED = "unclassified"  # what the draft helper proposes; never loads
SELECTED_KINDS = frozenset({"review", "file_condition"})  # kinds that need `applies_when`
# applies_when keys that are not application fields: figures the Ratio agent computes
RATIO_FIELDS = frozenset({"ltv", "cltv", "back_end_dti", "front_end_dti", "reserves_months"})
COMPARATORS = frozenset({"gt", "ge", "lt", "le"})


@dataclass(frozen=True)
class Requirement:
    id: str
    doc: str  # policy document (file stem)
    sentence: str
    maps_to: str  # one of KINDS
    rules: tuple[str, ...] = ()
    applies_when: dict[str, Any] = field(default_factory=dict, hash=False)
    todo_rule: str | None = None
    note: str | None = None  # the message a finding shows instead of the sentence
    why: str | None = None  # one line: why this kind (required for not_obligation)

    @property
    def standard(self) -> bool:
        """A condition every file of the program carries (no file-specific filter)."""
        return self.maps_to == "standard_condition"


@dataclass(frozen=True)
class Inventory:
    doc_programs: dict[str, str] = field(hash=False)  # doc -> loan program, or "all"
    requirements: tuple[Requirement, ...]

    def keys(self) -> set[tuple[str, str]]:
        return {(r.doc, r.sentence) for r in self.requirements}


@lru_cache(maxsize=4)
def load_inventory(path: Path | str = DEFAULT_INVENTORY_PATH) -> Inventory:
    """The inventory, checked against the rulebook; ConfigurationError names the first bad entry."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        items, doc_programs = raw["requirements"], dict(raw["doc_programs"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{path}: cannot read the requirement inventory ({exc})") from exc
    rule_ids = {r.id for r in load_rules()}
    reqs, seen = [], set()
    for item in items:
        req = _requirement(item, path)
        problem = _problem(req, rule_ids, doc_programs) or ("duplicate id" if req.id in seen else None)
        if problem:
            raise ConfigurationError(f"{path}: requirement {req.id!r}: {problem}")
        seen.add(req.id)
        reqs.append(req)
    return Inventory(doc_programs=doc_programs, requirements=tuple(reqs))


def _requirement(item: dict[str, Any], path: Path | str) -> Requirement:
    if isinstance(item, dict) and item.get("maps_to") == UNCLASSIFIED:  # before its draft-only keys are read
        raise ConfigurationError(
            f"{path}: requirement {item.get('id')!r}: unclassified: a person must classify "
            f"the sentence as one of {list(KINDS)}"
        )
    try:
        return Requirement(
            **{**item, "rules": tuple(item.get("rules", ())), "applies_when": item.get("applies_when") or {}}
        )
    except TypeError as exc:
        raise ConfigurationError(f"{path}: requirement {item.get('id')!r}: {exc}") from exc


def _problem(req: Requirement, rule_ids: set[str], doc_programs: Mapping[str, str]) -> str | None:
    if req.doc not in doc_programs:
        return f"unknown document {req.doc!r}"
    if req.maps_to not in KINDS:
        return f"maps_to {req.maps_to!r} must be one of {list(KINDS)}"
    if (req.maps_to == "rule") != bool(req.rules):
        return "`rules` is required exactly when maps_to is 'rule'"
    if unknown := [r for r in req.rules if r not in rule_ids]:
        return f"unknown rule id(s) {unknown}"
    if req.maps_to in SELECTED_KINDS and not req.applies_when:
        return f"a {req.maps_to} needs `applies_when` (which files it applies to)"
    if req.maps_to in ("standard_condition", "not_obligation", "rule") and req.applies_when:
        return f"a {req.maps_to} has no `applies_when`"
    if req.maps_to == "not_obligation" and not (req.why and req.why.strip()):
        return "not_obligation needs a one-line `why`"
    if req.why is not None and (not isinstance(req.why, str) or "\n" in req.why):
        return "`why` is one line of text"
    return _when_problem(req.applies_when)


def _when_problem(when: dict[str, Any]) -> str | None:
    for name, cond in when.items():
        if name != "any" and name not in RATIO_FIELDS and name not in LoanApplication.model_fields:
            return f"applies_when.{name}: not an application field or a Ratio figure"
        if name == "any":
            if not isinstance(cond, list) or not cond:
                return "applies_when.any: a non-empty list of alternatives"
            problems = [p for alt in cond if (p := _when_problem(alt) if isinstance(alt, dict) else "not an object")]
            if problems:
                return problems[0]
            continue
        if isinstance(cond, dict) and (not cond or set(cond) - COMPARATORS):
            return f"applies_when.{name}: comparisons are {sorted(COMPARATORS)}"
        if not isinstance(cond, (dict, list)):
            return f"applies_when.{name}: a list of values or a comparison object"
    return None


def coverage_gaps(doc_texts: Mapping[str, str], inventory: Inventory) -> list[tuple[str, str]]:
    """(doc, sentence) for every obligation sentence of the corpus that the inventory does not map."""
    known = inventory.keys()
    return [
        (doc, s) for doc, text in sorted(doc_texts.items()) for s in obligation_sentences(text) if (doc, s) not in known
    ]


def stale_entries(doc_texts: Mapping[str, str], inventory: Inventory) -> list[str]:
    """Ids of entries whose sentence is no longer an obligation sentence of the corpus."""
    present = {(doc, s) for doc, text in doc_texts.items() for s in obligation_sentences(text)}
    return [r.id for r in inventory.requirements if (r.doc, r.sentence) not in present]


def document_text(chunks: Iterable[tuple[int, int, str]]) -> str:
    """A document's text rebuilt from its chunks, each (char_offset, char_end, text) a verbatim slice.
    Characters no chunk covers (the line breaks between sections) are read as line breaks."""
    rows = sorted(chunks)
    end = max((hi for _, hi, _ in rows), default=0)
    buf = ["\n"] * end
    for lo, hi, text in rows:
        buf[lo:hi] = list(text[: hi - lo])
    return "".join(buf)


def draft_entry(doc: str, sentence: str, number: int) -> dict[str, Any]:
    """A new sentence's entry, unclassified: a person picks its kind. `candidate_rules` lists the ids of
    the document's rules (from `load_rules()`) to choose from if the sentence states one of them."""
    candidates = sorted(r.id for r in load_rules() if r.doc_id == doc)
    return {
        "id": f"{doc}.{number:03d}",
        "doc": doc,
        "sentence": sentence,
        "maps_to": UNCLASSIFIED,
        "candidate_rules": candidates,
    }


def draft_entries() -> list[dict]:
    """Inventory entries, drafted, for the obligation sentences of seed_data/policies that no entry maps
    (numbered after each document's last id); a person reviews them before they go into the JSON."""
    from rag.pdf import parse_pdf

    texts = {
        p.stem: parse_pdf(p.read_bytes(), fallback_name=p.stem).text
        for p in sorted((PROJECT_ROOT / "seed_data" / "policies").glob("*.pdf"))
    }
    inv = load_inventory()
    counts: dict[str, int] = {}
    for r in inv.requirements:
        counts[r.doc] = max(counts.get(r.doc, 0), int(r.id.rsplit(".", 1)[-1]))
    out = []
    for doc, sentence in coverage_gaps(texts, inv):
        counts[doc] = counts.get(doc, 0) + 1
        out.append(draft_entry(doc, sentence, counts[doc]))
    return out
