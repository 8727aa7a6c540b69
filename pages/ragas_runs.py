"""RAGAS: evaluation runs over the eval set (trend, drill-down, A/B) and the Audit agent's faithfulness drift.

Not named ragas.py: AppTest (and `streamlit run pages/...`) put pages/ on sys.path, where it would shadow ragas.
"""

import streamlit as st

from core.errors import LoanGraphError
from core.settings import PROJECT_ROOT
from dashboard import distill_view, ragas_data, resources
from dashboard import ragas_charts as charts
from dashboard.explorer_link import EXPLORER_PAGE
from rag.evaluation import store
from rag.evaluation.dataset import DEFAULT_DATASET, dataset_in_project

settings = resources.settings()
st.title("RAGAS")
threshold = st.sidebar.number_input(
    "Faithfulness threshold",
    0.0,
    1.0,
    float(settings.eval_faithfulness_threshold),
    0.05,
    help="EVAL_FAITHFULNESS_THRESHOLD; runs below it raise an alert",
)

with st.expander("Run an evaluation", icon=":material/play_arrow:"):
    judge = settings.eval_judge_provider
    st.caption(
        f"Judge: **{judge}** (EVAL_JUDGE_PROVIDER){'; offline metrics only' if judge == 'none' else ''}. "
        f"k = {settings.eval_k}. The same as `python -m rag.evaluate`."
    )
    dataset = st.text_input("Eval set", value=str(DEFAULT_DATASET.relative_to(PROJECT_ROOT)))
    if st.button("Run evaluation", type="primary"):
        from rag.evaluation.runner import run_configured

        bar = st.progress(0.0, text="Loading the models...")
        try:
            outcome = run_configured(
                dataset_in_project(dataset),
                progress=lambda stage, done, total: bar.progress(
                    done / max(total, 1), text=f"{stage.capitalize()} {done}/{total}"
                ),
            )
        except LoanGraphError as exc:
            bar.empty()
            st.error(f"**The evaluation did not run.** {exc}")
        else:
            bar.empty()
            st.success(
                f"Stored eval run #{outcome.run_id}: {len(outcome.samples)} questions in {outcome.latency_s:.0f} s."
            )

try:
    runs, drift = ragas_data.runs_and_drift(resources.session_factory())
except LoanGraphError as exc:
    st.error(f"**Evaluation runs are not available.** {exc}")
    st.info("Check DATABASE_URL (leave it empty for the embedded database) and restart with `make run`.")
    st.stop()


def samples_of(run_id: int) -> list[store.SampleRow]:
    return ragas_data.samples_of(resources.session_factory(), run_id)


trend, drill, compare, drift_tab = st.tabs(["Trend", "Per question", "Compare runs", "Agent faithfulness"])

with drift_tab:
    if not drift:
        st.info("No Audit faithfulness scores yet: they appear once applications have run through the pipeline.")
    else:
        frame = charts.drift_frame(drift)
        st.caption(
            f"{len(frame)} scores from {frame['run'].nunique()} pipeline runs; the dashed line is the threshold."
        )
        st.plotly_chart(charts.drift_figure(frame, threshold), width="stretch")
    st.subheader("Local Ratio narrator")
    try:
        distilled = distill_view.load_results(settings.data_dir)
    except ValueError as exc:
        st.warning(str(exc))
        distilled = None
    if distilled is None:
        st.info(
            "No local narrator evaluation yet: `make distill` trains the Ratio agent's local narrator "
            "(SmolLM2-135M + LoRA) and measures it against its teacher."
        )
    else:
        st.caption(distill_view.headline(distilled))
        st.dataframe(distill_view.results_frame(distilled), hide_index=True, width="stretch")

if not runs:
    for tab in (trend, drill, compare):
        tab.info(
            "No evaluation runs yet. Start one under **Run an evaluation** above, or run "
            "`python -m rag.evaluate` (offline; set EVAL_JUDGE_PROVIDER for judged metrics)."
        )
    st.stop()

latest = runs[-1]
by_label = {r.label: r for r in reversed(runs)}

with trend:
    for message in charts.faithfulness_alerts(latest, threshold):
        st.error(message, icon=":material/warning:")
    if not charts.has_faithfulness(latest):
        st.caption(f"The latest run (#{latest.id}) is offline: faithfulness needs a judge (EVAL_JUDGE_PROVIDER).")
    frame = charts.trend_frame(runs)
    options = sorted(frame["series"].unique())
    preferred = [s for s in options if s.startswith(charts.FAITHFULNESS)] or [
        s for s in options if s.split(" · ")[0] in ("recall_at_5", "mrr", "semantic_similarity")
    ]
    chosen = st.multiselect("Metrics", options, default=preferred or options[:3])
    st.plotly_chart(charts.trend_figure(frame, chosen, threshold), width="stretch")
    st.subheader(f"Latest run #{latest.id}")
    st.caption(
        f"{latest.created_at:%Y-%m-%d %H:%M} · {latest.dataset} · {latest.n_questions} questions · "
        f"corpus {latest.corpus_version} · commit {(latest.git_commit or 'unknown')[:12]}"
    )
    st.dataframe(charts.metrics_frame(latest), hide_index=True, width="stretch")
    with st.expander("Configuration"):
        st.json(latest.config)

with drill:
    run = by_label[st.selectbox("Run", list(by_label), key="drill_run")]
    samples = samples_of(run.id)
    st.dataframe(
        charts.samples_frame(samples, list(run.metrics)),
        hide_index=True,
        width="stretch",
        column_config=charts.samples_column_config(list(run.metrics)),
    )
    with st.expander("What each score measures"):
        st.markdown("\n".join(f"- **{k}**: {charts.metric_help(k)}" for k in run.metrics if charts.metric_help(k)))
    index = st.selectbox(
        "Question", range(len(samples)), format_func=lambda i: f"{samples[i].question_id}: {samples[i].question}"
    )
    if index is not None:
        picked = samples[index]
        st.markdown(f"**Question.** {picked.question}")
        st.markdown(f"**Answer.** {picked.answer}")
        st.markdown(f"**Reference.** {picked.reference or '(unanswerable: the answer should say so)'}")
        for ref in picked.reference_contexts:
            st.caption(f'{ref["doc_name"]}, p. {ref["page_num"]}, {ref["section"]}: "{ref["context"]}"')
        st.dataframe(
            charts.question_scores(picked.scores, list(run.metrics)),
            hide_index=True,
            column_config={"Score": st.column_config.NumberColumn("Score", format="%.2f")},
        )
        for error in picked.errors:
            st.warning(error)
        for ctx in picked.contexts:
            with st.expander(f"{ctx['rank']}. {ctx['label']} (chunk {ctx['chunk_id']})"):
                st.text(ctx["text"])
                if (PROJECT_ROOT / EXPLORER_PAGE).exists() and st.button(
                    "Open in the citation explorer", key=f"explore_{picked.question_id}_{ctx['rank']}"
                ):
                    st.session_state["explorer_question"] = picked.question
                    st.session_state["explorer_chunk_id"] = ctx["chunk_id"]
                    st.switch_page(EXPLORER_PAGE)

with compare:
    if len(runs) < 2:
        st.info("Only one evaluation run so far: run another to compare.")
    else:
        labels = list(by_label)
        left, right = st.columns(2)
        run_a = by_label[left.selectbox("Run A", labels, index=1, key="run_a")]
        run_b = by_label[right.selectbox("Run B", labels, index=0, key="run_b")]
        st.dataframe(charts.compare_frame(run_a, run_b), hide_index=True, width="stretch")
        shared = [k for k in run_a.metrics if k in run_b.metrics]
        if shared:
            key = st.selectbox("Per-question deltas for", shared, key="delta_metric")
            deltas = charts.question_deltas(samples_of(run_a.id), samples_of(run_b.id), key)
            st.dataframe(deltas, hide_index=True, width="stretch")
        else:
            st.info("These two runs share no metric (e.g. one offline, one judged by another model).")
