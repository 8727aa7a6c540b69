"""Build the blind question set (blind_questions.json): everyday-words questions over the same
rendered regulations as the development set, written before any retrieval result for them was seen.

    python seed_data/regulations/build_blind_set.py

Issue 24: lay-term expansion was tuned while reading the dev paraphrases; this set measures whether
the query side transfers. Written 2026-12-07 06:58 UTC, before its first run; never edited after
seeing results (its numbers are reported as they came). Pages located as build_dev_set.py does.
"""

from __future__ import annotations

from question_sets import HERE, answerable, parsed_files, unanswerable, write_set  # run as a script from here

from core.text import normalise  # noqa: E402  (question_sets puts the project on the path)

OUT = HERE / "blind_questions.json"
X, C = "x", "c"
Q = [
    (
        "b001",
        "My loan was sold to a new company. How long can the new company wait before it tells me?",
        X,
        "The transferee servicer shall provide the notice of transfer to the borrower not more than 15 days after the effective date of the transfer",
    ),
    (
        "b002",
        "When should my mortgage company give me a dedicated person to call after I fall behind on payments?",
        X,
        "Assign personnel to a delinquent borrower by the time the servicer provides the borrower with the written notice",
    ),
    (
        "b003",
        "How long does the mortgage company keep records about my account after my loan is paid off?",
        X,
        "until one year after the date a mortgage loan is discharged or servicing of a mortgage loan is transferred",
    ),
    (
        "b004",
        "I filed for bankruptcy and I'm behind on my house payments. When must the company send me the letter about my options?",
        X,
        "not later than the 45th day after the borrower files a bankruptcy petition",
    ),
    (
        "b005",
        "Can the letter my mortgage company sends during my bankruptcy ask me to pay up?",
        X,
        "The written notice required by paragraph (b) of this section may not contain a request for payment.",
    ),
    (
        "b006",
        "If they turn down my request for a loan change, how long do I have to push back?",
        X,
        "A servicer shall permit a borrower to make an appeal within 14 days after the servicer provides the offer of a loss mitigation option",
    ),
    (
        "b007",
        "I proved I already had home insurance. How fast must the company cancel the insurance it bought for me?",
        X,
        "Within 15 days of receiving, from the borrower or otherwise, evidence demonstrating that the borrower has had in place hazard insurance coverage",
    ),
    (
        "b008",
        "How many days does my lender get to hand over the papers it used to decide there was no mistake on my account?",
        X,
        "within 15 days (excluding legal public holidays, Saturdays, and Sundays) of receiving the borrower's request for such documents",
    ),
    (
        "b009",
        "How quickly must the company be able to pull together my whole loan file?",
        X,
        "in a manner that facilitates compiling such documents and data into a servicing file within five days",
    ),
    (
        "b010",
        "After they offer me a way to avoid losing the house, how long do I get to make up my mind?",
        X,
        "accept or reject an offer of a loss mitigation option no earlier than 14 days after the servicer provides the offer",
    ),
    (
        "b011",
        "Does the bank tell the government my credit score when it reports its home loans?",
        C,
        "the credit score or scores relied on in making the credit decision and the name and version of the scoring model",
    ),
    (
        "b012",
        "Does a factory-built or mobile home count as a dwelling for the home loan report?",
        C,
        "a manufactured home or other factory-built home, or a multifamily residential structure or community",
    ),
    (
        "b013",
        "If the bank sells my loan, how soon must it write down who bought it?",
        C,
        "recording the type of purchaser within 30 calendar days after the end of the calendar quarter",
    ),
]
UNANSWERABLE = [
    ("b014", "Can my mortgage company charge me a penalty for paying off my loan early?"),
    ("b015", "How much house can I afford if I make $60,000 a year?"),
    ("b016", "Will shopping around for a mortgage rate hurt my credit?"),
    ("b017", "Can I use money from my retirement account for the down payment?"),
    ("b018", "Is it better to pick a 15-year or a 30-year mortgage?"),
]


def main() -> None:
    files = parsed_files()
    questions = [
        answerable(qid, question, "paraphrase", normalise(context), files[key], context)
        for qid, question, key, context in Q
    ]
    questions += unanswerable(UNANSWERABLE)
    write_set(
        OUT,
        "Blind set (issue 24): everyday-words questions over Regulation X and Regulation C, written "
        "before any result for them was seen; reported, never used to choose defaults.",
        questions,
    )
    print(f"{OUT}: {len(questions)} questions ({len(Q)} answerable)")


if __name__ == "__main__":
    main()
