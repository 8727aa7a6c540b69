"""Overview: mode, providers, database and knowledge-base status."""

import streamlit as st

from core.errors import LoanGraphError
from dashboard import resources
from dashboard.knowledge_base import documents_frame, ensure_seed_corpus

settings = resources.settings()
st.title("LoanGraph underwriting desk")

mode = "production" if settings.app_env == "production" else (
    "offline" if settings.llm_provider == "offline" and not settings.agent_providers else "connected")
cols = st.columns(3)
cols[0].metric("Mode", mode)
cols[1].metric("Database", "embedded PostgreSQL" if not settings.database_url else "DATABASE_URL")
cols[2].metric("Embeddings", settings.embedding_model)

try:
    factory = resources.session_factory()
    stats = ensure_seed_corpus(factory, resources.embedder, settings)
except LoanGraphError as exc:
    st.error(f"**The knowledge base is not available.** {exc}")
    st.info("Check DATABASE_URL (leave it empty for the embedded database) and restart with `make run`.")
    st.stop()

st.subheader("Knowledge base")
kb = st.columns(3)
kb[0].metric("Documents", stats["documents"])
kb[1].metric("Pages", stats["pages"])
kb[2].metric("Chunks", stats["chunks"])
if not stats["chunks"]:
    st.info(f"No policy documents yet. Put PDFs in `{settings.policy_dir}` and run `python -m rag.ingest`.")
else:
    with factory() as session:
        st.dataframe(documents_frame(session), hide_index=True, use_container_width=True)
