"""Build the regulations development question set (dev_questions.json) from the rendered PDFs.

    python seed_data/regulations/build_dev_set.py

Each answerable question names its regulation and a verbatim passage. The script finds the page
that carries the passage (whitespace-normalised, contents pages skipped) and the section and
heading it sits under, with the same parser as ingestion, and fails
if a passage is not found. Development set only: the held-out set stays seed_data/loan_eval_dataset.json.
"""

from __future__ import annotations

from question_sets import HERE, answerable, parsed_files, unanswerable, write_set  # run as a script from here

OUT = HERE / "dev_questions.json"

X, C = "x", "c"
Q = [
    (
        "d001",
        "What is the maximum cushion a servicer may charge on an escrow account under Regulation X?",
        "exact_figure",
        X,
        "may charge the borrower a cushion that shall be no greater than one-sixth (1/6) of the estimated total annual payments from the escrow account",
        "No more than one-sixth (1/6) of the estimated total annual payments from the escrow account.",
    ),
    (
        "d002",
        "Within how many days after the escrow computation year ends must the annual escrow account statement go to the borrower?",
        "exact_figure",
        X,
        "a servicer shall submit an annual escrow account statement to the borrower within 30 days of the completion of the escrow account computation year",
        "Within 30 days of the completion of the escrow account computation year.",
    ),
    (
        "d003",
        "When must a servicer refund an escrow surplus, and what is the dollar threshold?",
        "exact_figure",
        X,
        "refund the surplus to the borrower if the surplus is greater than or equal to 50 dollars ($50)",
        "Within 30 days of the analysis, if the surplus is $50 or more.",
    ),
    (
        "d004",
        "What can a servicer do when the escrow analysis shows a shortage of less than one month's escrow payment?",
        "procedural",
        X,
        "If an escrow account analysis discloses a shortage of less than one month's escrow account payment, then the servicer has three possible courses of action",
        "It has three options: allow the shortage to exist, require repayment within 30 days, or spread it over at least 12 months.",
    ),
    (
        "d005",
        "How quickly must a servicer acknowledge an information request from a borrower?",
        "exact_figure",
        X,
        "in writing within five days (excluding legal public holidays, Saturdays, and Sundays) of receiving an information request",
        "Within five days, excluding legal public holidays, Saturdays and Sundays.",
    ),
    (
        "d006",
        "How long does a servicer have to respond to most notices of error?",
        "exact_figure",
        X,
        "not later than 30 days (excluding legal public holidays, Saturdays, and Sundays) after the servicer receives the applicable notice of error",
        "Generally not later than 30 days, excluding legal public holidays, Saturdays and Sundays.",
    ),
    (
        "d007",
        "How many days before charging for force-placed insurance must the first written notice be sent?",
        "exact_figure",
        X,
        "at least 45 days before a servicer assesses on a borrower such charge or fee",
        "At least 45 days before assessing the charge.",
    ),
    (
        "d008",
        "When must the force-placed insurance reminder notice be delivered?",
        "exact_figure",
        X,
        "at least 15 days before a servicer assesses on a borrower a premium charge or fee related to force-placed insurance",
        "At least 15 days before the charge, and at least 30 days after the first notice.",
    ),
    (
        "d009",
        "By which day of delinquency must a servicer try to establish live contact with a borrower?",
        "exact_figure",
        X,
        "establish live contact with a delinquent borrower no later than the 36th day of a borrower's delinquency",
        "No later than the 36th day of delinquency.",
    ),
    (
        "d010",
        "By which day of delinquency must the early intervention written notice be provided?",
        "exact_figure",
        X,
        "no later than the 45th day of the borrower's delinquency and again no later than 45 days after each payment due date",
        "No later than the 45th day of delinquency.",
    ),
    (
        "d011",
        "When can a servicer make the first notice or filing for a foreclosure?",
        "exact_figure",
        X,
        "more than 120 days delinquent",
        "Only when the borrower's mortgage obligation is more than 120 days delinquent (with listed exceptions).",
    ),
    (
        "d012",
        "If a complete loss mitigation application arrives more than 37 days before a foreclosure sale, what must the servicer do?",
        "procedural",
        X,
        "if a servicer receives a complete loss mitigation application more than 37 days before a foreclosure sale,",
        "Evaluate the borrower for all available loss mitigation options within 30 days and notify the borrower in writing.",
    ),
    (
        "d013",
        "How long must the transferor servicer give before the effective date of a servicing transfer when sending the transfer notice?",
        "exact_figure",
        X,
        "the transferor servicer shall provide the notice of transfer to the borrower not less than 15 days before the effective date of the transfer",
        "Not less than 15 days before the effective date of the transfer.",
    ),
    (
        "d014",
        "Can a late fee be charged on a payment sent to the old servicer right after servicing is transferred?",
        "procedural",
        X,
        "During the 60-day period beginning on the effective date of transfer of the servicing of any mortgage loan, if the transferor",
        "No: during the 60 days after the transfer a payment received by the old servicer on time may not be treated as late.",
    ),
    (
        "d015",
        "When must a lender give the applicant the list of homeownership counseling organizations?",
        "exact_figure",
        X,
        "not later than three business days after a lender, mortgage broker, or dealer receives an application",
        "Not later than three business days after receiving an application.",
    ),
    (
        "d016",
        "When must the special information booklet be delivered to a loan applicant?",
        "exact_figure",
        X,
        "The lender shall provide the special information booklet by delivering it or placing it in the mail to the applicant not later than three business days",
        "Not later than three business days after the application is received or prepared.",
    ),
    (
        "d017",
        "What does Regulation X say about kickbacks and unearned fees?",
        "procedural",
        X,
        "Any violation of this section is a violation of section 8 of RESPA",
        "They are prohibited; any violation is a violation of section 8 of RESPA.",
    ),
    (
        "d018",
        "How long is the deadline for a borrower to accept or reject a loss mitigation offer at minimum?",
        "exact_figure",
        X,
        "no earlier than 14 days after the servicer provides the offer of a loss mitigation option to the borrower",
        "No earlier than 14 days after the offer is provided.",
    ),
    (
        "d019",
        "How long must a lender keep the completed HUD-1 settlement statement?",
        "exact_figure",
        X,
        "The lender shall retain each completed HUD-1 or HUD-1A and related documents for five years after settlement",
        "Five years after settlement.",
    ),
    (
        "d020",
        "What is the deadline for a servicer to fix an error it corrects quickly to skip the acknowledgment?",
        "exact_figure",
        X,
        "notifies the borrower of that correction in writing within five days (excluding legal public holidays, Saturdays, and Sundays) of receiving the notice of error",
        "Within five days of receiving the notice of error.",
    ),
    # paraphrases (no content words of the passage)
    (
        "d021",
        "What is the biggest reserve pad a lender may hold on top of the yearly tax and insurance outlays?",
        "paraphrase",
        X,
        "may charge the borrower a cushion that shall be no greater than one-sixth (1/6) of the estimated total annual payments from the escrow account",
        "One-sixth of the estimated total annual payments.",
    ),
    (
        "d022",
        "If too much money piled up for taxes and insurance, does the homeowner get it back?",
        "paraphrase",
        X,
        "refund the surplus to the borrower if the surplus is greater than or equal to 50 dollars ($50)",
        "Yes, within 30 days, if it is $50 or more.",
    ),
    (
        "d023",
        "How soon after someone stops paying must the company phone them?",
        "paraphrase",
        X,
        "establish live contact with a delinquent borrower no later than the 36th day of a borrower's delinquency",
        "By the 36th day of delinquency.",
    ),
    (
        "d024",
        "How far behind must a homeowner fall before the company may start taking the house?",
        "paraphrase",
        X,
        "more than 120 days delinquent",
        "More than 120 days delinquent.",
    ),
    (
        "d025",
        "My mortgage moved to a new company; will a check mailed to the old one be penalised?",
        "paraphrase",
        X,
        "During the 60-day period beginning on the effective date of transfer of the servicing of any mortgage loan, if the transferor",
        "Not within the 60-day period after the transfer.",
    ),
    (
        "d026",
        "When is the yearly lending data file due to the government?",
        "paraphrase",
        C,
        "By March 1 following the calendar year for which the loan data are compiled",
        "By March 1 of the following year.",
    ),
    (
        "d027",
        "Which home lending deals never need to be put on the yearly report because they are short bridge arrangements?",
        "paraphrase",
        C,
        "(3) Temporary financing;",
        "Temporary financing is an excluded transaction.",
    ),
    (
        "d028",
        "Where must a bank tell walk-in customers that its lending figures can be seen?",
        "paraphrase",
        C,
        "A financial institution shall post a general notice about the availability of its HMDA data in the lobby of its home office",
        "In the lobby of its home office and each branch office in an MSA.",
    ),
    # Regulation C exact
    (
        "d029",
        "By what date must a financial institution submit its loan/application register?",
        "exact_figure",
        C,
        "By March 1 following the calendar year for which the loan data are compiled",
        "By March 1 following the calendar year of the data.",
    ),
    (
        "d030",
        "How long must an institution keep a copy of its loan/application register?",
        "exact_figure",
        C,
        "The institution shall retain a copy for its records for at least three years",
        "At least three years.",
    ),
    (
        "d031",
        "How many closed-end mortgage loans must an institution originate to be covered by HMDA?",
        "exact_figure",
        C,
        "In each of the two preceding calendar years, originated at least 25 closed-end",
        "At least 25 closed-end mortgage loans in each of the two preceding calendar years.",
    ),
    (
        "d032",
        "What open-end line of credit volume makes an institution report under Regulation C?",
        "exact_figure",
        C,
        "at least 500 open-end lines of credit in each of the two preceding calendar years",
        "At least 500 open-end lines of credit in each of the two preceding calendar years (for 2018-2019).",
    ),
    (
        "d033",
        "Is a loan made by an institution acting as a trustee reportable under HMDA?",
        "procedural",
        C,
        "acts in a fiduciary capacity if, for example, the financial institution acts as a trustee",
        "No, a loan originated or purchased in a fiduciary capacity (e.g. as trustee) is excluded.",
    ),
    (
        "d034",
        "Are loans used primarily for agricultural purposes reported under HMDA?",
        "procedural",
        C,
        "A closed-end mortgage loan or open-end line of credit used primarily for agricultural purposes",
        "No, they are excluded transactions.",
    ),
    (
        "d035",
        "What must an institution report about the applicant's ethnicity, race and sex?",
        "procedural",
        C,
        "Ethnicity, race, and sex, and whether this information was collected on the basis of visual observation or surname",
        "Ethnicity, race and sex, and whether they were collected by visual observation or surname.",
    ),
    (
        "d036",
        "How many denial reasons does an institution report under Regulation C?",
        "exact_figure",
        C,
        "The principal reason or reasons",
        "The principal reason or reasons for denial, up to four.",
    ),
    (
        "d037",
        "Which ratio of debt secured by the property to its value is reported?",
        "full_term",
        C,
        "the ratio of the total amount of debt secured by the property to the value of the property (combined loan-to-value ratio)",
        "The combined loan-to-value ratio relied on in making the credit decision.",
    ),
    (
        "d038",
        "What CLTV is reported under HMDA?",
        "acronym",
        C,
        "the ratio of the total amount of debt secured by the property to the value of the property (combined loan-to-value ratio)",
        "The combined loan-to-value ratio relied on in the credit decision.",
    ),
    (
        "d039",
        "What identifier for the institution is part of the universal loan identifier?",
        "acronym",
        C,
        "Legal Entity Identifier (LEI) pursuant to § 1003.4(a)(1)(i)(A)",
        "The LEI (Legal Entity Identifier).",
    ),
    (
        "d040",
        "What income figure is reported on the loan/application register?",
        "procedural",
        C,
        "the gross annual income relied on in making the credit decision",
        "The gross annual income relied on in making the credit decision.",
    ),
    (
        "d041",
        "Where must the notice of availability of HMDA data be posted?",
        "procedural",
        C,
        "A financial institution shall post a general notice about the availability of its HMDA data in the lobby of its home office",
        "In the lobby of the home office and of each branch office in an MSA or MD.",
    ),
    (
        "d042",
        "When is a closed-end loan excluded because it is temporary financing?",
        "procedural",
        C,
        "provides that closed-end mortgage loans or open-end lines of credit obtained for temporary financ",
        "Loans designed to be replaced by separate permanent financing are excluded as temporary financing.",
    ),
]
UNANSWERABLE = [
    ("d043", "What is the maximum debt-to-income ratio allowed under Regulation X?"),
    ("d044", "What credit score is required for a conventional loan under RESPA?"),
    ("d045", "How much mortgage insurance does Regulation C require for a 95% LTV loan?"),
    ("d046", "What interest rate must a servicer charge on escrow balances in Texas?"),
    ("d047", "Does Regulation X allow cryptocurrency as a down payment?"),
    ("d048", "What is the jumbo loan limit for 2026?"),
    ("d049", "How many months of reserves must a self-employed borrower hold?"),
    ("d050", "Which appraisal management companies are approved by the Bureau?"),
]


def main() -> None:
    files = parsed_files()
    questions = [
        answerable(qid, question, kind, truth, files[key], context) for qid, question, kind, key, context, truth in Q
    ]
    questions += unanswerable(UNANSWERABLE)
    write_set(
        OUT,
        "Development set over Regulation X (12 CFR 1024) and Regulation C (12 CFR 1003) rendered "
        "from CFPB RegML (seed_data/regulations). Used to choose retrieval and answering defaults; "
        "pages and sections located by build_dev_set.py with the ingestion parser.",
        questions,
    )
    print(f"{OUT}: {len(questions)} questions ({len(Q)} answerable)")


if __name__ == "__main__":
    main()
