"""The loan application as the pipeline receives it, and its validation before any agent runs."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from core.application_items import Asset, CreditBureau, Liability, check_county
from core.errors import InvalidApplication
from core.input_types import (
    BOUNDS,
    MAX_AMOUNT,
    TRUSTED_FACTS,
    Money,
    NonEmptyText,
    Percent,
    PositiveMoney,
    StrictBool,
    Text,
    bounded,
    bounded_int,
    bounded_number,
    clean_text,
)
from core.json_input import MAX_DEPTH, check_depth

__all__ = [  # the shared input types, for fields other modules add
    "BOUNDS",
    "MAX_AMOUNT",
    "Money",
    "NonEmptyText",
    "Percent",
    "PositiveMoney",
    "StrictBool",
    "Text",
    "bounded",
    "bounded_int",
    "bounded_number",
    "clean_text",
]

EmploymentStatus = Literal["employed", "self_employed", "retired", "unemployed"]
LoanType = Literal["conventional", "fha", "va", "usda", "jumbo"]
LoanPurpose = Literal["purchase", "rate_term_refinance", "cash_out_refinance"]
Product = Literal["fixed", "arm", "interest_only", "negative_amortization", "balloon"]
Occupancy = Literal["primary", "second_home", "investment"]

# Closed ranges shown as "must be between LOW and HIGH"; every field's bounds live in BOUNDS.
RANGES: dict[str, tuple[int, int]] = {
    name: (int(BOUNDS[name][0]), int(BOUNDS[name][1]))
    for name in ("credit_score", "term_months", "interest_rate", "property_units", "employment_years")
}

# 50 states, DC and the inhabited territories; military "states" (AA, AE, AP) hold no property.
USPS_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
    "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)

_SSN_DASHED = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}")
_SSN_DIGITS = re.compile(r"[0-9]{9}")


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit as its ASCII digit ("٩" -> "9"), after NFKC (fullwidth "９" -> "9")."""
    return "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None else ch
        for ch in text
    )


# Money is Decimal: cents stay exact and a ratio at a limit is never 44.999999 or 45.000001 because
# of binary floats. JSON numbers are parsed through their text (0.1 -> Decimal("0.1"));
# `model_dump(mode="json")` writes them as strings. Types and bounds: core.input_types.
# Form 1003 amounts added for funds to close; bounded so a pasted account number is refused
ClosingMoney = bounded_number(0, 10_000_000)
Rate = bounded_number(0, 30)  # annual %


FLAT_WITH_LIST = (
    "are itemised, so the flat {flat} must be 0: the itemised {what} are the figure the engine "
    "counts (list anything else as {other}); both together would count it twice"
)


class LoanApplication(BaseModel):
    """One mortgage application. Immutable; the SSN is a SecretStr and never appears in repr/str."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    application_id: clean_text(64, min_length=1) | None = None  # blank is not an ID (str_strip_whitespace)
    applicant_name: NonEmptyText
    ssn: SecretStr
    credit_score: bounded("credit_score")
    employment_status: EmploymentStatus
    employment_years: bounded("employment_years")
    monthly_income: bounded("monthly_income")  # gross
    monthly_debts: bounded("monthly_debts")  # recurring, non-housing
    liquid_assets: bounded("liquid_assets")
    loan_type: LoanType
    loan_purpose: LoanPurpose
    loan_amount: bounded("loan_amount")
    property_value: bounded("property_value")
    interest_rate: bounded("interest_rate")  # annual %, e.g. 6.5
    term_months: bounded("term_months")
    product: Product
    occupancy: Occupancy
    property_units: bounded("property_units")
    property_state: str
    annual_property_tax: bounded("annual_property_tax")
    annual_insurance: bounded("annual_insurance")
    monthly_hoa: bounded("monthly_hoa") = Decimal(0)
    points_and_fees: bounded("points_and_fees") = Decimal(0)
    first_time_buyer: StrictBool = False
    veteran: StrictBool = False
    has_va_coe: StrictBool | None = None  # Certificate of Eligibility; defaults to `veteran`
    usda_eligible_area: StrictBool | None = None
    household_income_pct_ami: bounded("household_income_pct_ami") | None = None  # household income as % of AMI
    # balance of subordinate liens that stay in place or are made at closing (CLTV); on a purchase, new
    # financing at closing (a piggyback second), which pays part of the price (funds to close)
    subordinate_liens: bounded("subordinate_liens") = Decimal(0)
    # the key factors the credit bureau reported with the score, in Reg B standard wording; an
    # adverse action for a low score must state these, never "credit score too low"
    credit_key_factors: tuple[NonEmptyText, ...] = Field((), max_length=4)
    # Form 1003 detail (issue 9). One source of truth per figure: with the lists itemised, the flat
    # `monthly_debts` / `liquid_assets` must be 0 (refused otherwise, so nothing is counted twice);
    # without them the flat figure is read as one liability / checking-savings asset (policy/money.py).
    liabilities: tuple[Liability, ...] = Field((), max_length=60)
    assets: tuple[Asset, ...] = Field((), max_length=60)
    closing_costs: ClosingMoney = Decimal(0)
    prepaid_items: ClosingMoney = Decimal(0)
    closing_credits: ClosingMoney = Decimal(0)  # seller and lender credits already verified
    upfront_fee_financed: StrictBool = False  # FHA upfront MIP / USDA upfront fee / VA funding fee in the note
    va_subsequent_use: StrictBool = False  # the VA benefit was used before (funding fee table)
    va_funding_fee_exempt: StrictBool = False  # exemption shown on the Certificate of Eligibility
    apr: Rate | None = None
    apor: Rate | None = None  # average prime offer rate for a comparable transaction on the rate-set date
    # Reg Z prepaid finance charges (1026.18(b)(3)): points, origination and other finance charges paid at or
    # before closing or withheld from the proceeds, an upfront premium or funding fee included. Not the QM
    # `points_and_fees` (1026.32(b)(1) counts some non-finance charges and leaves out some finance charges).
    # With the note terms it gives the APR when `apr` is not stated (policy.formulas.apr_actuarial).
    prepaid_finance_charges: ClosingMoney | None = None
    county_fips: clean_text(8) | None = Field(None, validate_default=False)
    household_size: bounded_int(1, 20) | None = None
    monthly_income_taxes: ClosingMoney | None = None  # federal, state, local and Social Security, a month
    living_area_sqft: bounded_int(100, 50_000) | None = None
    credit_report_date: date | None = None
    credit_score_source: CreditBureau | None = None

    @model_validator(mode="before")
    @classmethod
    def _coe_defaults_to_veteran(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("has_va_coe") is None:
            veteran = data.get("veteran", False)
            if not isinstance(veteran, bool):
                return data  # the bad `veteran` is reported once, on its own field
            data = {**data, "has_va_coe": veteran}
        return data

    @field_validator("liabilities")
    @classmethod
    def _debts_itemised_once(cls, value: tuple[Liability, ...], info: ValidationInfo) -> tuple[Liability, ...]:
        if value and (info.data.get("monthly_debts") or 0) > 0:
            raise ValueError(
                FLAT_WITH_LIST.format(flat="monthly non-housing debts", what="payments", other="an 'other' liability")
            )
        return value

    @field_validator("assets")
    @classmethod
    def _assets_itemised_once(cls, value: tuple[Asset, ...], info: ValidationInfo) -> tuple[Asset, ...]:
        if value and (info.data.get("liquid_assets") or 0) > 0:
            raise ValueError(
                FLAT_WITH_LIST.format(flat="liquid assets", what="values", other="a checking/savings asset")
            )
        return value

    @field_validator("ssn", mode="before")
    @classmethod
    def _normalise_ssn(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(raw, str):
            raise ValueError("must be text in the format ###-##-####")
        raw = _ascii_digits(unicodedata.normalize("NFKC", raw).strip())  # one SSN, one hash, however written
        if _SSN_DIGITS.fullmatch(raw):
            return f"{raw[:3]}-{raw[3:5]}-{raw[5:]}"
        if _SSN_DASHED.fullmatch(raw):
            return raw
        raise ValueError("must be in the format ###-##-#### (or 9 digits)")

    @field_validator("property_state", mode="before")
    @classmethod
    def _usps_state(cls, value: Any) -> Any:
        code = value.strip().upper() if isinstance(value, str) else None
        if code not in USPS_STATES:
            raise ValueError("must be a 2-letter USPS state code, e.g. CA")
        return code

    @field_validator("county_fips")
    @classmethod
    def _known_county(cls, value: Any, info: ValidationInfo) -> Any:
        return None if value is None else check_county(value, info.data.get("property_state"))

    @field_validator("credit_report_date")
    @classmethod
    def _report_date(cls, value: date | None) -> date | None:
        if value is not None and not (date(2000, 1, 1) <= value <= date.today()):
            raise ValueError("must be a date between 2000-01-01 and today")
        return value

    @property
    def ssn_masked(self) -> str:
        """The SSN as it may be shown or stored in the clear: ***-**-1234."""
        return masked_ssn(self.ssn)


def masked_ssn(ssn: str | SecretStr) -> str:
    """Only the last four digits, "***-**-1234"; "***-**-****" when there are not four digits."""
    raw = ssn.get_secret_value() if isinstance(ssn, SecretStr) else str(ssn)
    digits = re.sub(r"\D", "", raw)
    return f"***-**-{digits[-4:]}" if len(digits) >= 4 else "***-**-****"


def validate_application(data: Any) -> LoanApplication:
    """A valid application, or InvalidApplication with one human message per bad field."""
    if not isinstance(data, dict):
        raise InvalidApplication({"application": "must be a JSON object of field names and values"})
    check_depth(data, MAX_DEPTH)
    try:
        return LoanApplication.model_validate(data)
    except ValidationError as exc:
        # `from None`: the pydantic error echoes input values, the SSN among them
        raise InvalidApplication(field_errors(exc)) from None


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first error of each field, in a loan officer's words."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        field = ".".join(_safe_name(part) for part in err["loc"]) or "application"
        out.setdefault(field, _message(field.split(".")[0], err))
    return out


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _safe_name(part: str | int) -> str:
    """A field name fit to print: an unknown key is the user's text, so only a plain short one is shown."""
    text = str(part)
    return text if 0 < len(text) <= 64 and set(text) <= _NAME_CHARS else "(unprintable field name)"


safe_field_name = _safe_name  # for other readers of user-named fields (batch monitoring columns)


_TYPE_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of a loan application",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "finite_number": "must be a finite number",
    "tuple_type": "must be a list of text lines",
    "string_unicode": "must not contain control, zero-width or other invisible characters",
}
_OWN_MESSAGES = (
    "number_type",
    "number_finite",
    "number_size",
    "number_rounds_to_zero",
    "whole_number",
    "text_characters",
)


def _message(field: str, err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _OWN_MESSAGES:
        return str(err["msg"])
    if field in RANGES and kind in ("greater_than_equal", "less_than_equal"):
        low, high = RANGES[field]
        return f"must be between {low} and {high}"
    if kind == "less_than_equal":
        return f"must be at most {_bound(ctx['le']):,}"
    if kind == "greater_than_equal":
        bound = _bound(ctx["ge"])
        return "must not be negative" if bound == 0 else f"must be at least {bound}"
    if kind == "greater_than":
        return f"must be greater than {_bound(ctx['gt'])}"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind.startswith("decimal") or kind.startswith("float"):
        return "must be a number"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return str(_TYPE_MESSAGES.get(kind, err["msg"][:1].lower() + err["msg"][1:]))


def _bound(value: Any) -> Decimal:
    """A bound from an error's context: pydantic gives Decimal bounds as their repr, "Decimal('25')"."""
    text = str(value)
    return Decimal(text[9:-2] if text.startswith("Decimal('") else text)


# The pipeline never carries the SSN: agents get the application's facts with this placeholder.
REDACTED_SSN = "000-00-0000"


def redacted(app: LoanApplication) -> LoanApplication:
    """The same application with the SSN replaced by the placeholder (no second validation)."""
    return app.model_copy(update={"ssn": SecretStr(REDACTED_SSN)})


def application_facts(app: LoanApplication) -> dict[str, Any]:
    """The application as JSON-safe facts for the pipeline, without the SSN."""
    facts = app.model_dump(mode="json", exclude={"ssn"})
    facts["ssn_masked"] = app.ssn_masked
    return facts


def application_from_facts(facts: dict[str, Any]) -> LoanApplication:
    """Rebuild a typed application from `application_facts` output; its SSN is the redacted placeholder."""
    data = {k: v for k, v in facts.items() if k != "ssn_masked"}
    return LoanApplication.model_validate({**data, "ssn": REDACTED_SSN}, context={TRUSTED_FACTS: True})
