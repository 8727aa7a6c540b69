"""Overview: mode, providers per agent, database and knowledge-base status, recent decisions."""

import streamlit as st

from core.errors import LoanGraphError
from dashboard import overview, resources, warmup
from dashboard.knowledge_base import ensure_seed_corpus, publication_line

settings = resources.settings()
st.title("LoanGraph underwriting desk")

cols = st.columns(3)
cols[0].metric("Mode", overview.mode(settings))
cols[1].metric("Database", "embedded" if not settings.database_url else "external", help="PostgreSQL 16 + pgvector")
cols[2].metric("Embeddings", settings.embedding_model)

try:
    routes = resources.router().routes()
except LoanGraphError as exc:
    st.error(f"**The LLM configuration was refused.** {exc}")
    st.stop()

try:
    factory = resources.session_factory()
    stats = ensure_seed_corpus(factory, resources.embedder, settings)
except LoanGraphError as exc:
    st.error(f"**The knowledge base is not available.** {exc}")
    st.info("Check DATABASE_URL (leave it empty for the embedded database) and restart with `make run`.")
    st.stop()

warmup.start()  # models and the pipeline load in the background while this page renders

st.subheader("Knowledge base")
kb = st.columns(3)
kb[0].metric("Documents", stats["documents"])
kb[1].metric("Pages", stats["pages"])
kb[2].metric("Chunks", stats["chunks"])
if not stats["chunks"]:
    st.info(f"No policy documents yet. Put PDFs in `{settings.policy_dir}` and run `python -m rag.ingest`.")
else:
    st.dataframe(overview.documents(factory), hide_index=True, width="stretch")
    published, line = publication_line(factory)
    (st.caption if published else st.warning)(line)
    overview.try_sample_button()

left, right = st.columns([1, 2])
with left:
    st.subheader("Agents")
    st.dataframe(overview.routes_frame(routes), hide_index=True, width="stretch")
with right:
    st.subheader("Recent decisions")
    recent, waiting = overview.recent_decisions(factory)  # runs an officer decided; not every run
    if recent:
        st.dataframe(overview.recent_frame(recent), hide_index=True, width="stretch")
    else:
        st.info(
            "No decisions yet. Submit an application on the **New application** page, or try a sample, "
            "then record the officer's decision."
        )
    if waiting:
        st.caption(f"{waiting:,} finished runs await an officer's decision: see **Decisions**.")
