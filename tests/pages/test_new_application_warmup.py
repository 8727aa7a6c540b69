"""New application right after a cold start: while the background warm-up still loads the pipeline, the page
and a submission say so and count the seconds, instead of a frozen page. The warm-up is forced, never slept on."""

from __future__ import annotations

import pytest

from dashboard import warmup
from dashboard.warmup_status import HINT, POLL_S
from tests.pages.support import APPROVE_SAMPLE, clear_caches, markdown, open_page

pytestmark = pytest.mark.integration


class ForcedWarmup:
    """The warm-up reported as 'loading' (12 s so far) for `polls` waits, then ready; no thread, no sleep."""

    def __init__(self, polls: int) -> None:
        self.polls_left, self.timeouts = polls, []

    def state(self) -> warmup.WarmupState:
        return warmup.WarmupState("loading", 12.0) if self.polls_left else warmup.WarmupState("ready", 12.5)

    def wait(self, timeout: float | None = None) -> bool:
        self.timeouts.append(timeout)
        if timeout is None:  # an unbounded wait (the cached service factory) ends the load at once
            self.polls_left = 0
        self.polls_left = max(0, self.polls_left - 1)
        return self.polls_left == 0


@pytest.fixture
def forced(monkeypatch):
    def force(polls: int) -> ForcedWarmup:
        fake = ForcedWarmup(polls)
        for name in ("state", "wait"):
            monkeypatch.setattr(warmup, name, getattr(fake, name))
        monkeypatch.setattr(warmup, "start", lambda: None)
        return fake

    return force


def test_while_the_models_load_the_page_says_so_and_the_form_is_there(page_db, forced):
    forced(polls=10**6)  # still loading for the whole run
    at = open_page()
    assert not at.exception
    (status,) = at.status
    assert (status.label, status.state) == ("Loading the policy index and models: 12 s so far …", "running")
    assert HINT in [c.value for c in at.caption]
    assert at.button(key="na_submit")  # the form can be filled in meanwhile


def test_a_submission_during_the_load_counts_its_seconds_then_underwrites(page_db, forced):
    fake = forced(polls=3)
    at = open_page(prefill_sample=APPROVE_SAMPLE)
    assert not at.exception and not at.error
    assert fake.timeouts[:3] == [POLL_S] * 3  # polled on the warm-up's condition, a bounded join each time
    assert not at.status[0].label.startswith("Loading") and at.status[0].label.startswith("Underwriting complete")
    assert "### Recommendation :green-badge[APPROVE]" in markdown(at)


def test_once_loaded_there_is_no_notice(page_db, forced):
    forced(polls=0)
    at = open_page()
    assert not at.exception and not at.status


def test_the_background_warm_up_loads_the_embedding_model_too(page_db):
    """The embedder is lazy (a one-file CLI run may never need the model); a dashboard loads it while the
    Overview renders, not on the first question that is not in the vector cache."""
    from rag.embeddings import get_embedder

    clear_caches()
    assert not get_embedder().is_loaded
    warmup.start()
    assert warmup.wait(timeout=600) and warmup.state().status == "ready"
    assert get_embedder().is_loaded
