"""The loan application form: every field, a sample picker, and validation messages under each field.

Submitting validates with `core.schemas.validate_application`; a valid application is left in
`st.session_state[PENDING]` for the page to underwrite, an invalid one leaves `ERRORS` and runs nothing.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from agents.runs import application_ref_owner
from core.errors import InvalidApplication, LoanGraphError
from core.schemas import validate_application
from dashboard import resources, run_links
from dashboard.application_fields import (
    FIELD_BY_NAME,
    SECTIONS,
    TRISTATE,
    FormField,
    application_from_state,
    default_state,
    list_samples,
    load_sample,
    state_from_application,
)
from dashboard.application_lists import VERSION, form_1003_state, form_1003_values, form_1003_widgets
from dashboard.safe_text import plain
from dashboard.underwriting import RESULT

PENDING = "na_pending_application"  # a validated LoanApplication waiting to be underwritten
ERRORS = "na_field_errors"  # {field: message} from the last submission
PREFILL = "prefill_sample"  # set by the Overview page: a sample file stem to load and submit once
OPEN = "na_form_open"  # whether the form is unfolded (it folds after a valid submission)


def _set_state(values: dict) -> None:
    for key, value in values.items():
        st.session_state[key] = value


def _init_defaults() -> None:
    for key, value in default_state().items():
        st.session_state.setdefault(key, value)


def _id_errors(ref: object) -> dict[str, str]:
    """The application ID's error when another application already holds it (the database enforces it too);
    checked with every other field, so a taken ID is said on the first submission, not after the rest is fixed."""
    ref = ref.strip() if isinstance(ref, str) else None
    if not ref:
        return {}
    try:
        with resources.session_factory()() as session:
            taken = application_ref_owner(ref, session=session) is not None
    except (SQLAlchemyError, LoanGraphError):
        return {}  # the run's own save reports the database; uniqueness is still enforced there
    return (
        {"application_id": f"{ref!r} is already used by another application: an ID belongs to one application"}
        if taken
        else {}
    )


def submit() -> None:
    """Validate the form's current values; a callback, so the form re-renders with the messages."""
    st.session_state.pop(RESULT, None)  # a new submission replaces the result shown under the form
    run_links.keep_in_url(st.query_params, None)
    data = application_from_state({f.key: st.session_state.get(f.key) for f in FIELD_BY_NAME.values()})
    data.update(form_1003_values(st.session_state))
    id_errors = _id_errors(data.get("application_id"))
    try:
        app = validate_application(data)
        if id_errors:
            raise InvalidApplication(id_errors)
        st.session_state[PENDING] = app
        st.session_state[ERRORS] = {}
        st.session_state[OPEN] = False  # fold the form away so the run and its decision come into view
    except InvalidApplication as exc:
        st.session_state.pop(PENDING, None)
        st.session_state[ERRORS] = {**id_errors, **exc.field_errors}


def _load_selected_sample() -> None:
    stem = st.session_state.get("na_sample")
    st.session_state.pop(RESULT, None)  # the previous applicant's result must not stay under the new one
    run_links.keep_in_url(st.query_params, None)
    if stem:
        _set_state(state_from_application(load_sample(stem).application))
        _set_state(form_1003_state(load_sample(stem).application, st.session_state.get(VERSION, 0)))
        st.session_state[ERRORS] = {}
        st.session_state[OPEN] = True


def apply_prefill() -> bool:
    """Load and submit the sample the Overview page asked for (once). True when one was submitted."""
    stem = st.session_state.pop(PREFILL, None)
    if not stem:
        return False
    try:
        sample = load_sample(stem)
    except (OSError, ValueError, KeyError):
        st.error(f"Sample application `{stem}` could not be loaded from seed_data/applications.")
        return False
    _set_state(state_from_application(sample.application))
    _set_state(form_1003_state(sample.application, st.session_state.get(VERSION, 0)))
    st.session_state["na_sample"] = stem
    submit()
    return PENDING in st.session_state


def sample_picker() -> None:
    """Choose a sample from seed_data/applications and load it into the form."""
    samples = {s.stem: s for s in list_samples()}
    cols = st.columns([4, 1], vertical_alignment="bottom")
    cols[0].selectbox(
        "Start from a sample application",
        [""] + list(samples),
        key="na_sample",
        format_func=lambda stem: (
            "Blank form" if not stem else f"{samples[stem].title} (expected: {samples[stem].expected})"
        ),
    )
    cols[1].button(
        "Load into form",
        key="na_load_sample",
        on_click=_load_selected_sample,
        disabled=not st.session_state.get("na_sample"),
        width="stretch",
    )


def _widget(field: FormField) -> None:
    common = {"key": field.key, "help": field.help}
    if field.kind == "text":
        st.text_input(
            field.label, type="password" if field.name == "ssn" else "default", placeholder=field.placeholder, **common
        )
    elif field.kind == "lines":
        st.text_area(field.label, height=90, **common)
    elif field.kind == "int":
        st.number_input(field.label, value=None, step=1, placeholder=field.placeholder, **common)
    elif field.kind in ("decimal", "optional_decimal"):
        st.number_input(
            field.label,
            value=None,
            step=field.step,
            format=f"%.{field.decimals}f",
            placeholder=field.placeholder,
            **common,
        )
    elif field.kind == "choice":
        st.selectbox(field.label, field.options, format_func=lambda v: v.replace("_", " "), **common)
    elif field.kind == "tristate":
        st.selectbox(field.label, TRISTATE, **common)
    else:
        st.checkbox(field.label, **common)


def _field_error(field: FormField, errors: dict[str, str]) -> None:
    message = next((m for name, m in errors.items() if name.split(".")[0] == field.name), None)
    if message:
        st.caption(f":red[:material/error: {field.label} {message}]")


def error_summary(errors: dict[str, str]) -> None:
    if not errors:
        return
    labels = {f.name: f.label for f in FIELD_BY_NAME.values()}
    lines = "\n".join(
        f"- **{labels.get(name.split('.')[0], name)}** {plain(message)}" for name, message in errors.items()
    )
    count = f"{len(errors)} fields need" if len(errors) != 1 else "1 field needs"
    st.error(f"The application was not submitted: {count} attention.\n\n{lines}")


def _title() -> str:
    name = st.session_state.get(FIELD_BY_NAME["applicant_name"].key) or "new applicant"
    program = str(st.session_state.get(FIELD_BY_NAME["loan_type"].key, "")).upper()
    amount = st.session_state.get(FIELD_BY_NAME["loan_amount"].key)
    loan = f"loan of \\${amount:,.0f}" if amount else "loan (amount not entered)"
    return f"Application: {plain(name)}, {program} {loan}"


def application_form() -> None:
    """A sample picker and every LoanApplication field; the submit button validates (see `submit`)."""
    _init_defaults()
    errors: dict[str, str] = st.session_state.get(ERRORS, {})
    error_summary(errors)
    with st.expander(_title(), expanded=bool(errors) or st.session_state.get(OPEN, True), icon=":material/edit_note:"):
        sample_picker()
        with st.form("na_application_form", border=False, enter_to_submit=False):
            for title, fields in SECTIONS:
                st.markdown(f"**{title}**")
                cols = st.columns(3)
                for i, field in enumerate(fields):
                    with cols[i % 3]:
                        _widget(field)
                        _field_error(field, errors)
            form_1003_widgets(errors)
            st.form_submit_button("Underwrite application", key="na_submit", type="primary", on_click=submit)
