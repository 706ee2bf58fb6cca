"""The reports benchmark's settings (benchmarks/reports.py): the heading and data mark of its section of
docs/performance.md, the demo accounts it signs in as, the targets, and the pages it requests."""

HEADING = "Reports at 250,000 families"
DATA_MARK = "reports-bench-data"
PG_BASE = "postgres://postgres@127.0.0.1:5432/"
ANALYST = "analyst@demo.hearth.test"
OFFICER = "dpo@demo.hearth.test"  # the demo data protection officer (hearth/demo/generator.py)
TARGET_P95_MS = 1000
TARGET_EXTRACT_S = 60
TARGET_EXTRACT_MB = 300
EXTRACT_TIMEOUT_S = 1800
REFERRALS = 100_000  # synthetic referrals for the flow pages' second run (see _synthetic_referrals)
RUNS = 30
WARM_UP = 3
WORKER_TIMEOUT_S = 3600
# The pages: (name, path, query). Filters name the demo council's records by what they are, looked up in the
# worker; "period" names a period the worker turns into the flow report's dates (see _period_query).
CASELOAD, FLOW = "/reports/caseload", "/reports/flow"
TIMELINESS, OUTCOMES, EQUALITY = "/reports/timeliness", "/reports/outcomes", "/reports/equality"
PERIOD_PAGES = (FLOW, TIMELINESS, OUTCOMES, EQUALITY)  # the reports counted over a period (views._period_view)
READ_REFERRALS = (FLOW, TIMELINESS)  # timed again with the synthetic referrals
PAGES = (
    ("By team", CASELOAD, {"by": "team"}),
    ("By agency", CASELOAD, {"by": "agency"}),
    ("By locality", CASELOAD, {"by": "locality"}),
    ("By level", CASELOAD, {"by": "level"}),
    ("By lead professional", CASELOAD, {"by": "lead"}),
    ("By team, the North locality", CASELOAD, {"by": "team", "locality": "north"}),
    ("By lead professional, the Family Support North team", CASELOAD, {"by": "lead", "team": "Family Support North"}),
    ("By locality, the Hearthshire Early Help agency", CASELOAD,
     {"by": "locality", "agency": "Hearthshire Early Help"}),
    ("By team, level 3", CASELOAD, {"by": "team", "level": "3"}),
    ("Flow, the financial year to date (its default)", FLOW, {}),
    ("Flow, the 12 months to today", FLOW, {"period": "year"}),
    ("Flow, the last full quarter", FLOW, {"period": "quarter"}),
    ("Flow, the financial year to date, the North locality", FLOW, {"locality": "north"}),
    ("Flow, the 12 months to today, the North locality, level 3", FLOW,
     {"period": "year", "locality": "north", "level": "3"}),
    ("Timeliness, the financial year to date (its default)", TIMELINESS, {}),
    ("Timeliness, the 12 months to today", TIMELINESS, {"period": "year"}),
    ("Outcomes, the financial year to date (its default)", OUTCOMES, {}),
    ("Outcomes, the 12 months to today", OUTCOMES, {"period": "year"}),
    *((f"Equality by {label}, {when}", EQUALITY, {"by": by, **period})
      for by, label in (("ethnicity", "ethnicity"), ("sex", "sex"), ("age_band", "age band"),
                        ("disability", "disability"))
      for when, period in (("the financial year to date (its default)", {}), ("the 12 months to today",
                                                                             {"period": "year"}))),
)
# the pages whose statements --explain shows
EXPLAINED = ("By team", "By lead professional", "Flow, the 12 months to today", "Timeliness, the 12 months to today",
             "Outcomes, the 12 months to today", "Equality by age band, the 12 months to today")
# the statements that are the report's own
REPORT_TABLES = ('FROM "cases_episode"', 'FROM "referrals_referral"', 'FROM "assessments_assessment"',
                 'FROM "plans_meeting"', 'FROM "plans_review"', 'FROM "outcomes_score"', 'FROM "plans_planoutcome"',
                 'FROM "people_familymember"')
EXTRACT_KINDS = {"ssd": ("extract", "the Standard Safeguarding Dataset extract", OFFICER),
                 "pseudonymised": ("extract_pseudonymised", "the pseudonymised analysis extract", ANALYST)}
