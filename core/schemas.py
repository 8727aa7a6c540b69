"""The loan application as the pipeline receives it, and its validation before any agent runs."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError, ValidationInfo, field_validator,
    model_validator,
)

from core.application_items import Asset, CreditBureau, Liability, check_county
from core.errors import InvalidApplication

EmploymentStatus = Literal["employed", "self_employed", "retired", "unemployed"]
LoanType = Literal["conventional", "fha", "va", "usda", "jumbo"]
LoanPurpose = Literal["purchase", "rate_term_refinance", "cash_out_refinance"]
Product = Literal["fixed", "arm", "interest_only", "negative_amortization", "balloon"]
Occupancy = Literal["primary", "second_home", "investment"]

# Closed ranges, declared once: the Field bounds and the "must be between" messages both read them.
RANGES: dict[str, tuple[int, int]] = {
    "credit_score": (300, 850),
    "term_months": (1, 480),
    "interest_rate": (0, 25),
    "property_units": (1, 4),
    "employment_years": (0, 70),
}

# 50 states, DC and the inhabited territories; military "states" (AA, AE, AP) hold no property.
USPS_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
    "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)

_SSN_DASHED = re.compile(r"\d{3}-\d{2}-\d{4}")
_SSN_DIGITS = re.compile(r"\d{9}")

# Money is Decimal: cents stay exact and a ratio at a limit is never 44.999999 or 45.000001 because
# of binary floats. JSON numbers are parsed through their text (0.1 -> Decimal("0.1"));
# `model_dump(mode="json")` writes them as strings.
Money = Annotated[Decimal, Field(ge=0)]
# Form 1003 amounts added for funds to close; bounded so a pasted account number is refused
ClosingMoney = Annotated[Decimal, Field(ge=0, le=Decimal("10000000"))]
Rate = Annotated[Decimal, Field(ge=0, le=30)]  # annual %


def _ranged(name: str) -> Any:
    low, high = RANGES[name]
    return Field(ge=low, le=high)


class LoanApplication(BaseModel):
    """One mortgage application. Immutable; the SSN is a SecretStr and never appears in repr/str."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    application_id: str | None = Field(None, max_length=64)
    applicant_name: str = Field(min_length=1, max_length=200)
    ssn: SecretStr
    credit_score: int = _ranged("credit_score")
    employment_status: EmploymentStatus
    employment_years: Decimal = _ranged("employment_years")
    monthly_income: Money  # gross
    monthly_debts: Money  # recurring, non-housing
    liquid_assets: Money
    loan_type: LoanType
    loan_purpose: LoanPurpose
    loan_amount: Decimal = Field(gt=0)
    property_value: Decimal = Field(gt=0)
    interest_rate: Decimal = _ranged("interest_rate")  # annual %, e.g. 6.5
    term_months: int = _ranged("term_months")
    product: Product
    occupancy: Occupancy
    property_units: int = _ranged("property_units")
    property_state: str
    annual_property_tax: Money
    annual_insurance: Money
    monthly_hoa: Money = Decimal(0)
    points_and_fees: Money = Decimal(0)
    first_time_buyer: bool = False
    veteran: bool = False
    has_va_coe: bool | None = None  # Certificate of Eligibility; defaults to `veteran`
    usda_eligible_area: bool | None = None
    household_income_pct_ami: Decimal | None = Field(None, ge=0)  # household income as % of area median
    subordinate_liens: Money = Decimal(0)  # balance of liens that stay in place (for CLTV)
    # the key factors the credit bureau reported with the score, in Reg B standard wording; an
    # adverse action for a low score must state these, never "credit score too low"
    credit_key_factors: tuple[str, ...] = Field((), max_length=4)
    # Form 1003 detail (issue 9). A flat `monthly_debts` / `liquid_assets` is read as one more
    # liability / checking-savings asset on top of these lists (agents/money.py).
    liabilities: tuple[Liability, ...] = Field((), max_length=60)
    assets: tuple[Asset, ...] = Field((), max_length=60)
    closing_costs: ClosingMoney = Decimal(0)
    prepaid_items: ClosingMoney = Decimal(0)
    closing_credits: ClosingMoney = Decimal(0)  # seller and lender credits already verified
    upfront_fee_financed: bool = False  # FHA upfront MIP / USDA upfront fee / VA funding fee in the note, not paid in cash
    va_subsequent_use: bool = False  # the VA benefit was used before (funding fee table)
    va_funding_fee_exempt: bool = False  # exemption shown on the Certificate of Eligibility
    apr: Rate | None = None
    apor: Rate | None = None  # average prime offer rate for a comparable transaction on the rate-set date
    county_fips: str | None = Field(None, validate_default=False)
    household_size: int | None = Field(None, ge=1, le=20)
    monthly_income_taxes: ClosingMoney | None = None  # federal, state, local and Social Security, a month
    living_area_sqft: int | None = Field(None, ge=100, le=50000)
    credit_report_date: date | None = None
    credit_score_source: CreditBureau | None = None

    @model_validator(mode="before")
    @classmethod
    def _coe_defaults_to_veteran(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("has_va_coe") is None:
            try:
                veteran = TypeAdapter(bool).validate_python(data.get("veteran", False))
            except ValidationError:
                return data  # the bad `veteran` is reported once, on its own field
            data = {**data, "has_va_coe": veteran}
        return data

    @field_validator("ssn", mode="before")
    @classmethod
    def _normalise_ssn(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(raw, str):
            raise ValueError("must be text in the format ###-##-####")
        raw = raw.strip()
        if _SSN_DIGITS.fullmatch(raw):
            return f"{raw[:3]}-{raw[3:5]}-{raw[5:]}"
        if _SSN_DASHED.fullmatch(raw):
            return raw
        raise ValueError("must be in the format ###-##-#### (or 9 digits)")

    @field_validator("property_state", mode="before")
    @classmethod
    def _usps_state(cls, value: Any) -> Any:
        code = value.strip().upper() if isinstance(value, str) else value
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
    try:
        return LoanApplication.model_validate(data)
    except ValidationError as exc:
        # `from None`: the pydantic error echoes input values, the SSN among them
        raise InvalidApplication(field_errors(exc)) from None


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first error of each field, in a loan officer's words."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in err["loc"]) or "application"
        out.setdefault(field, _message(field, err))
    return out


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
}


def _message(field: str, err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if field in RANGES and kind in ("greater_than_equal", "less_than_equal"):
        low, high = RANGES[field]
        return f"must be between {low} and {high}"
    if kind == "greater_than_equal":
        return "must not be negative" if Decimal(str(ctx["ge"])) == 0 else f"must be at least {ctx['ge']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']:,}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']}"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind.startswith("decimal") or kind.startswith("float"):
        return "must be a number"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return _TYPE_MESSAGES.get(kind, err["msg"][:1].lower() + err["msg"][1:])


# The pipeline never carries the SSN: agents get the application's facts with this placeholder.
REDACTED_SSN = "000-00-0000"


def application_facts(app: LoanApplication) -> dict[str, Any]:
    """The application as JSON-safe facts for the pipeline, without the SSN."""
    facts = app.model_dump(mode="json", exclude={"ssn"})
    facts["ssn_masked"] = app.ssn_masked
    return facts


def application_from_facts(facts: dict[str, Any]) -> LoanApplication:
    """Rebuild a typed application from `application_facts` output; its SSN is the redacted placeholder."""
    data = {k: v for k, v in facts.items() if k != "ssn_masked"}
    return LoanApplication.model_validate({**data, "ssn": REDACTED_SSN})
