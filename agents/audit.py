"""Audit agent: checks every agent's quoted claims against the chunks it cites; scores faithfulness.

A claim is supported when its quote is in the cited chunk's text (whitespace-normalised), or
nearly so (fuzzy match at or above FUZZY_MIN, for an LLM that re-spaced or re-punctuated a quote).
"""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import select

from agents.context import AgentContext
from agents.node import AgentOutput
from agents.state import LoanState
from agents.verdicts import AgentVerdict, AuditReport
from core.text import normalise
from policy.rules import quote_in_text

AUDITED = ("intake", "ratio", "compliance", "policy", "underwriting", "decision")
FUZZY_MIN = 90.0  # partial_ratio: tolerates punctuation and spacing, not a changed number


def supported(quote: str, texts: list[str]) -> bool:
    if any(quote_in_text(quote, t) for t in texts):
        return True
    needle = normalise(quote)
    return any(fuzz.partial_ratio(needle, normalise(t)) >= FUZZY_MIN for t in texts) and len(needle) > 20


def chunk_texts(ctx: AgentContext, ids: set[int]) -> dict[int, str]:
    from core.models import PolicyChunk

    if not ids:
        return {}
    with ctx.session_factory() as session:
        return dict(session.execute(select(PolicyChunk.id, PolicyChunk.text).where(PolicyChunk.id.in_(ids))).all())


def audit_engine(state: LoanState, ctx: AgentContext) -> AgentOutput:
    verdicts = [state[a] for a in AUDITED if a in state]
    texts = chunk_texts(ctx, {c.chunk_id for v in verdicts for c in v.citations})
    scores: dict[str, float] = {}
    unsupported: list[str] = []
    checked = 0
    for v in verdicts:
        cited = [texts.get(c.chunk_id, "") for c in v.citations]
        claims = [(c.quote, [texts.get(c.chunk_id, "")]) for c in v.citations] + [(q, cited) for q in v.claims]
        if not claims:
            continue
        ok = 0
        for quote, against in claims:
            if supported(quote, against):
                ok += 1
            else:
                unsupported.append(f"{v.agent}: {quote[:120]}")
        checked += len(claims)
        scores[v.agent] = round(ok / len(claims), 4)
    overall = round(sum(scores.values()) / len(scores), 4) if scores else 1.0
    usage = state.get("usage", [])
    report = AuditReport(faithfulness=scores, checked=checked, unsupported=tuple(unsupported), overall=overall)
    summary = f"{checked} cited claims checked; faithfulness {overall:.2f}" + (
        f"; {len(unsupported)} unsupported." if unsupported else "; all supported."
    )
    facts = {
        "faithfulness": scores,
        "tokens_in": sum(u.tokens_in for u in usage),
        "tokens_out": sum(u.tokens_out for u in usage),
        "cost_usd": round(sum(u.cost_usd for u in usage), 6),
        "models": sorted({f"{u.provider}/{u.model}" for u in usage}),
    }
    verdict = AgentVerdict(
        agent="audit",
        verdict="VERIFIED" if not unsupported else "UNSUPPORTED_CLAIMS",
        summary=summary,
        reasoning="; ".join(unsupported) or summary,
        facts=facts,
    )
    return AgentOutput(verdict, extra={"audit_report": report})
