"""Policy: the published rulebook with its citations, a candidate checked and compared, its impact on
stored runs, and publishing it with an approver."""

import streamlit as st

from core.errors import LoanGraphError
from dashboard import policy_data, resources
from dashboard.policy_view import render_candidate, render_impact, render_publish, render_published

st.title("Policy")
st.caption(
    "Decisions follow the published rulebook. A new policy document version or an edited rulebook is a "
    "candidate until a person publishes it."
)
try:
    factory = resources.session_factory()
    current, publications = policy_data.published(factory)
except LoanGraphError as exc:
    st.error(f"**The policy cannot be read from the database.** {exc}")
    st.stop()

render_published(current, publications)
render_candidate(factory, current)
render_impact(factory)
render_publish(factory)
