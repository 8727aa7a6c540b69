"""Tolerant parsing of model replies: fences, chatter, bad JSON and schema violations."""

import pytest
from pydantic import BaseModel, Field

from core.errors import LLMInvalidOutput
from core.llm import parse_json_output, schema_instructions

pytestmark = pytest.mark.unit


class Verdict(BaseModel):
    decision: str
    score: int = Field(ge=1, le=10)
    reasons: list[str] = []


@pytest.mark.parametrize(
    "text",
    [
        '{"decision": "REFER", "score": 4}',
        '```json\n{"decision": "REFER", "score": 4}\n```',
        '```JSON\n{"decision": "REFER", "score": 4}```',
        '```\n{"decision": "REFER", "score": 4}\n```',
        'Sure! Here is the verdict:\n{"decision": "REFER", "score": 4}\nLet me know if you need more.',
        'I considered {options} first. {"decision": "REFER", "score": 4} Done {really}.',
        'Thoughts first.\n```json\n{"decision": "REFER", "score": 4}\n```\nAnd a {stray} brace after.',
    ],
    ids=["plain", "json-fence", "upper-fence-inline", "bare-fence", "chatter", "stray-braces", "fence-and-chatter"],
)
def test_extracts_the_object(text):
    assert parse_json_output(text, Verdict) == Verdict(decision="REFER", score=4)


def test_nested_objects_and_braces_in_strings_survive():
    text = 'Result: {"decision": "APPROVE", "score": 9, "reasons": ["DTI {36%} under cap", "}"]} thanks'
    verdict = parse_json_output(text, Verdict)
    assert verdict.reasons == ["DTI {36%} under cap", "}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty reply"),
        ("   \n", "empty reply"),
        (None, "empty reply"),
        ("I cannot help with that.", "no JSON object"),
        ('{"decision": "REFER", "score": 4', "not valid JSON"),
        ("{'decision': 'REFER'}", "not valid JSON"),
    ],
)
def test_junk_raises_one_line_reason(text, expected):
    with pytest.raises(LLMInvalidOutput, match=expected) as info:
        parse_json_output(text, Verdict)
    assert "\n" not in str(info.value)


def test_schema_violation_names_the_fields():
    with pytest.raises(LLMInvalidOutput) as info:
        parse_json_output('{"decision": "REFER", "score": 42}', Verdict)
    message = str(info.value)
    assert "Verdict" in message and "score" in message and "\n" not in message


def test_missing_field_is_reported():
    with pytest.raises(LLMInvalidOutput, match="decision"):
        parse_json_output('{"score": 3}', Verdict)


def test_reply_text_stays_out_of_the_message():
    # error lines are persisted in run traces; a reply may echo an applicant's SSN
    with pytest.raises(LLMInvalidOutput) as info:
        parse_json_output("Applicant SSN 123-45-6789 looks fine " * 20, Verdict)
    assert "123-45-6789" not in str(info.value) and "chars" in str(info.value)


def test_schema_instructions_carry_the_json_schema():
    text = schema_instructions(Verdict)
    assert "JSON" in text and '"score"' in text and '"maximum":10' in text
