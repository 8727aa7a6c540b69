"""What New application shows while the background warm-up (dashboard.warmup) is still loading the pipeline:
a status counting the seconds, on the page and in a submission's status box, instead of a frozen page.
"""

from __future__ import annotations

import streamlit as st

from dashboard import warmup

POLL_S = 0.5  # how often a waiting submission re-reads the warm-up (a join with a timeout, not a sleep)
HINT = "You can fill in the form meanwhile: a submission waits for the load and shows how long it has taken."


def loading_label(state: warmup.WarmupState) -> str:
    return f"Loading the policy index and models: {state.elapsed_s:.0f} s so far …"


def warmup_notice() -> None:
    """While the pipeline loads: a status counting its seconds, redrawn each second; gone once it is loaded."""
    if warmup.state().status == "loading":
        _notice()


@st.fragment(run_every=1)
def _notice() -> None:
    state = warmup.state()
    if state.status != "loading":
        st.rerun()  # loaded (or failed: the submission reports it): redraw the page without the notice
    st.status(loading_label(state), state="running", expanded=False)
    st.caption(HINT)


def wait_for_warmup(status) -> None:
    """Hold a submission until the background load ends, counting its seconds in the run's `status` box."""
    while not warmup.wait(timeout=POLL_S):
        status.update(label=loading_label(warmup.state()), state="running")
