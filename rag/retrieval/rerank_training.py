"""Training data and training for the domain reranker, from the policy corpus only (never the eval set).

Queries per chunk: its subsection title (with the document name), key-word versions of its first
sentences, and glossary-rewritten variants; positive = the chunk; hard negatives = chunks that
BM25 or dense search rank highly for the query but that belong to a different subsection.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.retrieval.bm25 import _STOPWORDS
from rag.retrieval.rerank import contextual_pair_text
from rag.retrieval.rewrite import Glossary, dedupe
from rag.retrieval.types import Chunk

log = logging.getLogger(__name__)

# Bump when the pair recipe or the training loop changes: `make reranker` then retrains.
RECIPE_VERSION = "domain-ce-v1"
MAX_QUERY_WORDS = 10  # a key-word query keeps the first 10 content words of its sentence
MIN_SENTENCE_WORDS = 6  # shorter "sentences" are headings or fragments
# Words that carry no topic, on top of BM25's stopwords: dropping them turns a sentence into the
# terse noun-phrase style of a search query.
_FILLER = frozenset(
    "also any all not no nor than then been being should shall each such other more most less only "
    "into over per both either neither same so very upon via just however therefore thus".split()
)
_WORD = re.compile(r"[$]?\d[\d,]*(?:\.\d+)?%?|[A-Za-z][A-Za-z'\-]*")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z0-9(])")
_NUMBERED_TITLE = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_HEADING_LINE = re.compile(r"\A(?:\d{1,2}(?:\.\d{1,2})?\.?[ \t]+[A-Z][^\n]{0,100}\n)+")  # as rag.chunking finds them


@dataclass(frozen=True)
class TrainingPair:
    query: str
    passage: str  # what the reranker scores the query against: passage_text(chunk)
    label: float  # 1.0 = the chunk the query came from, 0.0 = a hard negative


passage_text = contextual_pair_text  # the reranker's side of a pair, as it reads it at query time


def subsection_key(chunk: Chunk) -> tuple[str, str | None, str | None]:
    """Chunks of one subsection (overlapping windows) count as the same answer."""
    return chunk.doc_name, chunk.section, chunk.subsection


def title_query(chunk: Chunk) -> str | None:
    """'FHA Insured Loan Program Guide: Upfront Premium' from '3.2 Upfront Premium' (None: no heading)."""
    heading = chunk.subsection or chunk.section
    if not heading:
        return None
    return f"{chunk.doc_name}: {_NUMBERED_TITLE.sub('', heading).strip()}"


def sentences(text: str) -> list[str]:
    """Whole sentences of a chunk, its leading heading lines dropped, each on one line."""
    flat = " ".join(_HEADING_LINE.sub("", text).split())
    return [s for s in _SENTENCE_END.split(flat) if len(s.split()) >= MIN_SENTENCE_WORDS]


def key_words(sentence: str, max_words: int = MAX_QUERY_WORDS) -> str:
    """The sentence's first content words and figures, function words dropped: a search-style query."""
    kept = [w.rstrip("'-") for w in _WORD.findall(sentence) if w.lower() not in _STOPWORDS and w.lower() not in _FILLER]
    return " ".join(w for w in kept[:max_words] if w)


def glossary_variants(query: str, glossary: Glossary) -> list[str]:
    """The query with abbreviations spelled out, and with spelled-out terms abbreviated (when they differ)."""
    expanded, abbrs = glossary.expand(query)
    abbreviated, fulls = glossary.abbreviate(query)
    return [q for q, found in ((expanded, abbrs), (abbreviated, fulls)) if found and q != query]


def chunk_queries(chunk: Chunk, glossary: Glossary, *, max_sentences: int = 3) -> list[str]:
    """Distinct training queries for one chunk: title, key-word sentences, then glossary variants."""
    base = [title_query(chunk) or ""] + [key_words(s) for s in sentences(chunk.text)[:max_sentences]]
    base = [q for q in base if len(q.split()) >= 2]
    return dedupe(base + [v for q in base for v in glossary_variants(q, glossary)])


def _covers(passage: str, query: str) -> bool:
    """Every query word occurs in the passage: the query could have come from it (boilerplate repeats)."""
    words = {w.lower() for w in _WORD.findall(passage)}
    return all(w.lower() in words for w in _WORD.findall(query))


def interleave(*rankings: Sequence[int]) -> list[int]:
    """Round-robin merge of ranked id lists, first occurrence kept: [1,2],[3,1] -> [1,3,2]."""
    merged: dict[int, None] = {}
    for rank in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if rank < len(ranking):
                merged.setdefault(ranking[rank], None)
    return list(merged)


def hard_negatives(
    positive: Chunk, query: str, ranking: Sequence[int], chunks: dict[int, Chunk], n: int
) -> list[Chunk]:
    """The first `n` ranked chunks from another subsection that do not contain every query word."""
    out: list[Chunk] = []
    for cid in ranking:
        other = chunks.get(cid)  # None: ranked, but outside the chunks pairs are drawn from
        if other is None or subsection_key(other) == subsection_key(positive) or _covers(passage_text(other), query):
            continue
        out.append(other)
        if len(out) == n:
            break
    return out


Ranker = Callable[[Sequence[str]], list[list[int]]]  # queries -> ranked chunk ids per query


def build_pairs(
    chunks: Sequence[Chunk], glossary: Glossary, rank: Ranker, *, negatives: int = 3, max_sentences: int = 3
) -> list[TrainingPair]:
    """One positive and up to `negatives` hard negatives per (chunk, query), in corpus order."""
    by_id = {c.id: c for c in chunks}
    jobs = [(c, q) for c in chunks for q in chunk_queries(c, glossary, max_sentences=max_sentences)]
    rankings = rank([q for _, q in jobs])
    pairs: list[TrainingPair] = []
    for (chunk, query), ranking in zip(jobs, rankings):
        pairs.append(TrainingPair(query, passage_text(chunk), 1.0))
        negs = hard_negatives(chunk, query, ranking, by_id, negatives)
        pairs += [TrainingPair(query, passage_text(neg), 0.0) for neg in negs]
    return pairs


def corpus_fingerprint(chunks: Sequence[Chunk]) -> str:
    """Changes when any chunk's text or headings change (the model is then stale)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(passage_text(chunk).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class TrainConfig:
    layers: int = 2  # of the bundled MiniLM's 6: latency is roughly linear in layers
    max_length: int = 128
    epochs: int = 1
    batch_size: int = 16
    lr: float = 3e-4  # the copied encoder layers (1e-4 learned less in a short probe on held-out chunks)
    head_lr: float = 3e-3  # the new score layer, from a random start
    warmup_ratio: float = 0.1
    seed: int = 13


def _batches(pairs: Sequence[TrainingPair], size: int, rng: random.Random) -> Iterator[list[TrainingPair]]:
    order = list(range(len(pairs)))
    rng.shuffle(order)
    for start in range(0, len(order), size):
        yield [pairs[i] for i in order[start : start + size]]


def new_cross_encoder(base_path: str, config: TrainConfig):  # -> CrossEncoder
    """The first `config.layers` layers of the bi-encoder, mean-pooled, then a linear score.

    Not the usual [CLS] classification head: this bi-encoder was trained with mean pooling, so its
    [CLS] vector barely varies between inputs (spread 0.02 against norm 8 after one layer) and a
    head on it stays at loss 0.69; a mean-pooled head learns from the first steps.
    """
    import torch
    from sentence_transformers import CrossEncoder
    from sentence_transformers.base.modules import Dense, Transformer
    from sentence_transformers.sentence_transformer.modules import Pooling

    encoder = Transformer(
        base_path,
        transformer_task="feature-extraction",
        config_kwargs={"num_hidden_layers": config.layers},
        processor_kwargs={"model_max_length": config.max_length},
    )
    dim = encoder.get_embedding_dimension()
    score = Dense(dim, 1, activation_function=torch.nn.Identity(), module_output_name="scores")
    return CrossEncoder(modules=[encoder, Pooling(dim, "mean"), score], device="cpu")


def train_cross_encoder(
    pairs: Sequence[TrainingPair], *, base_path: str, out_dir: Path, config: TrainConfig, progress: bool = True
) -> float:
    """Fine-tune a new cross-encoder (see new_cross_encoder) on `pairs`; save it; return the last-epoch mean loss.

    A plain loop over sentence-transformers' BinaryCrossEntropyLoss: CrossEncoderTrainer needs
    `accelerate`, which the stack does not install for this one step.
    """
    import torch
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    torch.manual_seed(config.seed)  # the score layer is initialised at random
    rng = random.Random(config.seed)
    model = new_cross_encoder(base_path, config)
    loss_fn = BinaryCrossEntropyLoss(model)
    optimizer = torch.optim.AdamW(
        [{"params": model[0].parameters(), "lr": config.lr}, {"params": model[-1].parameters(), "lr": config.head_lr}],
        weight_decay=0.01,
    )
    steps = config.epochs * -(-len(pairs) // config.batch_size)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(steps * config.warmup_ratio), steps)
    model.train()
    mean_loss = float("nan")
    with tqdm(total=steps, desc="training reranker", disable=not progress) as bar:
        for _ in range(config.epochs):
            losses = []
            for batch in _batches(pairs, config.batch_size, rng):
                loss = loss_fn(
                    [[p.query for p in batch], [p.passage for p in batch]], torch.tensor([p.label for p in batch])
                )
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                losses.append(loss.item())
                bar.set_postfix(loss=f"{sum(losses[-20:]) / len(losses[-20:]):.3f}")
                bar.update()
            mean_loss = sum(losses) / len(losses)
    model.eval()
    model.save_pretrained(str(out_dir))
    return mean_loss
