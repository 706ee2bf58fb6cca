"""Every URL of the service, classified by how the access policy scopes it. The permission-matrix and canary
tests are generated from this table, and fail when a URL is added that it does not classify.

Scopes:
- PUBLIC: no sign-in; shows no personal data (or only what the visitor typed in themselves).
- SIGNED_IN: any signed-in user; the page lists only what the policy lets that user see (their own account,
  their dashboard, search results, due work).
- ADMIN: system administrators (no case records).
- SCREENING: the front door's queue (`policy.can_screen_referral`).
- FAMILY: a page about one family or a record within it: only users the policy lets see that family.
- BREAK_GLASS: opening a family outside the policy (`policy.BREAK_GLASS_ROLES`), or reviewing such use.
- GOVERNANCE: the data protection officer's and managers' governance pages.
- REPORTS: management information (`reports.access`: analysts, managers, coordinators): counts only, protected by
  small-number suppression.
"""

PUBLIC = "public"
SIGNED_IN = "signed_in"
ADMIN = "admin"
SCREENING = "screening"
FAMILY = "family"
BREAK_GLASS = "break_glass"
GOVERNANCE = "governance"
REPORTS = "reports"

ROUTES: dict[str, str] = {
    # web
    "home:dashboard": SIGNED_IN,
    "web:healthz": PUBLIC,
    "web:privacy": PUBLIC,
    "web:accessibility": PUBLIC,
    # ops: readiness, and metrics (answered only to a scrape bearing the token or from this machine; 404 otherwise)
    "ops:readyz": PUBLIC,
    "ops:metrics": PUBLIC,
    # accounts
    "accounts:login": PUBLIC,
    "accounts:two_factor": PUBLIC,
    "accounts:enrol": PUBLIC,
    "accounts:recovery_codes": SIGNED_IN,
    "accounts:security": SIGNED_IN,
    "accounts:logout_confirm": SIGNED_IN,
    "accounts:keepalive": SIGNED_IN,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:admin_users": ADMIN,
    "accounts:admin_user_new": ADMIN,
    "accounts:admin_user_edit": ADMIN,
    "accounts:admin_agencies": ADMIN,
    "accounts:admin_agency_new": ADMIN,
    "accounts:admin_agency_edit": ADMIN,
    "accounts:admin_council": ADMIN,
    # identity: council single sign-on
    "identity:start": PUBLIC,
    "identity:callback": PUBLIC,
    "identity:admin_providers": ADMIN,
    "identity:admin_provider_new": ADMIN,
    "identity:admin_provider_edit": ADMIN,
    "identity:admin_rule_new": ADMIN,
    "identity:admin_waiting": ADMIN,
    # jobs
    "jobs:failed": ADMIN,
    "jobs:retry": ADMIN,
    "jobs:discard": ADMIN,
    "jobs:job": SIGNED_IN,
    "jobs:download": SIGNED_IN,
    # people
    "families:search": SIGNED_IN,
    "families:person": FAMILY,
    "families:person_edit": FAMILY,
    "families:person_name_new": FAMILY,
    "families:person_address_new": FAMILY,
    "families:family_start": SIGNED_IN,
    "families:family_new": SIGNED_IN,
    "families:family": FAMILY,
    "families:member_find": FAMILY,
    "families:member_new": FAMILY,
    "families:member_add_existing": FAMILY,
    "families:relationship_new": FAMILY,
    "families:family_locality": FAMILY,
    # cases
    "cases:episode_start": FAMILY,
    "cases:notes": FAMILY,
    "cases:chronology": FAMILY,
    "cases:note_edit": FAMILY,
    "cases:note_withdraw": FAMILY,
    "cases:episode": FAMILY,
    "cases:episode_level": FAMILY,
    "cases:episode_lead": FAMILY,
    "cases:episode_close": FAMILY,
    "cases:episode_transition": FAMILY,
    "cases:handover": FAMILY,
    # referrals
    "referrals:public_request": PUBLIC,
    "referrals:public_sent": PUBLIC,
    "referrals:public_request_council": PUBLIC,
    "referrals:practitioner_new": FAMILY,
    "referrals:step_down": FAMILY,
    "referrals:mash_contact": FAMILY,
    "referrals:step_up": FAMILY,
    "referrals:queue": SCREENING,
    "referrals:detail": SCREENING,
    "referrals:screen": SCREENING,
    "referrals:link": SCREENING,
    "documents:step_up_bundle": SCREENING,
    # assessments
    "assessments:start": FAMILY,
    "assessments:assessment": FAMILY,
    "assessments:section": FAMILY,
    "assessments:children_add_missing": FAMILY,
    "assessments:child_view": FAMILY,
    "assessments:invite": FAMILY,
    "assessments:contribution": FAMILY,
    "assessments:contribution_decline": FAMILY,
    "assessments:scores": FAMILY,
    "assessments:complete": FAMILY,
    "assessments:new_version": FAMILY,
    # outcomes
    "outcomes:episode": FAMILY,
    "outcomes:reading_new": FAMILY,
    # plans
    "plans:meeting_new": FAMILY,
    "plans:meeting": FAMILY,
    "plans:meeting_record": FAMILY,
    "plans:meeting_send": FAMILY,
    "plans:plan": FAMILY,
    "plans:outcome_new": FAMILY,
    "plans:action_new": FAMILY,
    "plans:action_status": FAMILY,
    "plans:action_edit": FAMILY,
    "plans:action_withdraw": FAMILY,
    "plans:outcome_edit": FAMILY,
    "plans:outcome_withdraw": FAMILY,
    "plans:outcomes_final": FAMILY,
    "plans:meeting_withdraw": FAMILY,
    "plans:review_new": FAMILY,
    "plans:review": FAMILY,
    "plans:due_work": SIGNED_IN,
    # documents
    "documents:assessment_copy": FAMILY,
    "documents:plan_copy": FAMILY,
    "documents:review_copy": FAMILY,
    "documents:chronology_pdf": FAMILY,
    "documents:chronology_copy": FAMILY,
    # consent
    "consent:family": FAMILY,
    "consent:agreement_new": FAMILY,
    "consent:agreement_withdraw": FAMILY,
    "consent:share_new": FAMILY,
    "consent:share_withdraw": FAMILY,
    "consent:research_opt_out_new": FAMILY,
    "consent:basis_new": FAMILY,
    "consent:basis_confirm": FAMILY,
    "consent:not_sought_new": FAMILY,
    # access
    "access:break_glass_open": BREAK_GLASS,
    "access:break_glass_reviews": GOVERNANCE,
    "access:break_glass_review": GOVERNANCE,
    # sharing
    "sharing:family": FAMILY,
    "sharing:family_csv": FAMILY,
    "sharing:entry_new": FAMILY,
    "sharing:share": FAMILY,
    "sharing:for_family": FAMILY,
    "sharing:for_family_pdf": FAMILY,
    "sharing:entry_unsafe": FAMILY,
    "sharing:person": FAMILY,
    "sharing:person_csv": FAMILY,
    # duplicates: the data protection officer's queue of people who may be recorded twice
    "duplicates:queue": GOVERNANCE,
    "duplicates:run_start": GOVERNANCE,
    "duplicates:pair": GOVERNANCE,
    # subject access (the data protection officer's work)
    "subject_access:dashboard": GOVERNANCE,
    "subject_access:new": GOVERNANCE,
    "subject_access:workbench": GOVERNANCE,
    "subject_access:edit": GOVERNANCE,
    "subject_access:verify": GOVERNANCE,
    "subject_access:extend": GOVERNANCE,
    "subject_access:close": GOVERNANCE,
    "subject_access:withhold": GOVERNANCE,
    "subject_access:withholding_remove": GOVERNANCE,
    "subject_access:release": GOVERNANCE,
    "subject_access:prepare_again": GOVERNANCE,
    "subject_access:bundle_pdf": GOVERNANCE,
    "subject_access:bundle_json": GOVERNANCE,
    # retention (the data protection officer's work)
    "retention:rules": GOVERNANCE,
    "retention:holds": GOVERNANCE,
    "retention:hold_new": GOVERNANCE,
    "retention:hold": GOVERNANCE,
    "retention:runs": GOVERNANCE,
    "retention:run_new": GOVERNANCE,
    "retention:run": GOVERNANCE,
    "retention:run_approve": GOVERNANCE,
    "retention:run_start": GOVERNANCE,
    "retention:run_cancel": GOVERNANCE,
    "retention:certificate": GOVERNANCE,
    # breaches (the breach log, the data protection officer's work)
    "breaches:incidents": GOVERNANCE,
    "breaches:incident_new": GOVERNANCE,
    "breaches:incident": GOVERNANCE,
    "breaches:incident_edit": GOVERNANCE,
    "breaches:incident_decide": GOVERNANCE,
    "breaches:incident_report": GOVERNANCE,
    "breaches:incident_notice_new": GOVERNANCE,
    "breaches:incident_close": GOVERNANCE,
    "breaches:incident_link_family": GOVERNANCE,
    # reports (management information)
    "reports:home": REPORTS,
    "reports:caseload": REPORTS,
    "reports:caseload_families": REPORTS,
    "reports:flow": REPORTS,
    "reports:timeliness": REPORTS,
    "reports:outcomes": REPORTS,
    "reports:equality": REPORTS,
    "reports:extracts": REPORTS,
    "reports:extract_start": REPORTS,
    # supporting families: a family's needs, progress and claim; the programme's return, claims list and share
    "supporting_families:family": FAMILY,
    "supporting_families:need_new": FAMILY,
    "supporting_families:need_remove": FAMILY,
    "supporting_families:progress_new": FAMILY,
    "supporting_families:claim_check": FAMILY,
    "supporting_families:programme": REPORTS,
    "supporting_families:claims": REPORTS,
    "supporting_families:share_start": REPORTS,
    # rights (requests to correct, erase or restrict, the data protection officer's work)
    "rights:requests": GOVERNANCE,
    "rights:request_find": GOVERNANCE,
    "rights:request_new": GOVERNANCE,
    "rights:request": GOVERNANCE,
    "rights:request_decide": GOVERNANCE,
    "rights:request_apply": GOVERNANCE,
    "rights:request_erase": GOVERNANCE,
    "rights:request_restrict": GOVERNANCE,
    "rights:restriction_lift": GOVERNANCE,
    "rights:request_recipients": GOVERNANCE,
    # merges: two records of one person merged into one, and undone (the data protection officer)
    "merges:compare": GOVERNANCE,
    "merges:merge": GOVERNANCE,
    "merges:unmerge": GOVERNANCE,
    "merges:told": GOVERNANCE,
    # dpo (the data protection officer's workbench and audit review)
    "dpo:home": GOVERNANCE,
    "dpo:access_family": GOVERNANCE,
    "dpo:access_person": GOVERNANCE,
    "dpo:access_user": GOVERNANCE,
    "dpo:unusual_access": GOVERNANCE,
    "dpo:audit_verify": GOVERNANCE,
}


# Which family a FAMILY-scope URL is about, from its first argument found here: the argument, and the model and
# field that lead from it to the family. Used to refuse every change under read-only access (break-glass) in one
# place, before a view reads what was sent (`hearth.access.policy.read_only_refusal`).
FAMILY_KEYS: tuple[tuple[str, str | None, str], ...] = (
    ("family_id", None, "pk"),
    ("episode_id", "cases.Episode", "family_id"),
    ("assessment_id", "assessments.Assessment", "family_id"),
    ("note_id", "cases.CaseNote", "family_id"),
    ("handover_id", "cases.Handover", "episode__family_id"),
    ("meeting_id", "plans.Meeting", "episode__family_id"),
    ("review_id", "plans.Review", "episode__family_id"),
    ("action_id", "plans.Action", "episode__family_id"),
    ("outcome_id", "plans.PlanOutcome", "episode__family_id"),
    ("referral_id", "referrals.Referral", "family_id"),
    ("consent_id", "consent.ShareConsent", "family_id"),
    ("agreement_id", "consent.Agreement", "family_id"),
    ("basis_id", "consent.LawfulBasis", "family_id"),
    ("entry_id", "sharing.Disclosure", "family_id"),
    ("child_view_id", "assessments.ChildView", "assessment__family_id"),
    ("contribution_id", "assessments.Contribution", "assessment__family_id"),
    ("person_id", "people.FamilyMember", "family_id"),
)
