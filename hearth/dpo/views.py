"""The data protection officer's workbench: the start page (the breach log's and rights requests' counts, links to
every part of the work), the audit review (who accessed a family, a person or what a user accessed), the
unusual-access report and the audit chain check.

Every page needs the council's data protection officer (`governance.can_do_governance`), except the unusual-access
report, which managers also see for their own teams. Refusals are 403 pages (NotPermitted)."""

from django.shortcuts import render

from hearth.access import governance
from hearth.core.errors import NotPermitted
from hearth.dpo import audit_review, forms, looks, selectors, unusual_access
from hearth.families.forms import SearchForm
from hearth.people.search import SearchQuery

ACTIVE = "dpo"
# The people search's fields (hearth.families.forms.SearchForm), read from the start page's query string.
SEARCH_FIELDS = ("given_name", "family_name", "nhs_number", "postcode")


def _render(request, template: str, context: dict):
    return render(request, f"dpo/{template}", {"active": ACTIVE, **context})


def home_view(request):
    """The start page, with a search for the family or person whose access log the officer wants to read."""
    summary = selectors.home_summary(request.user)
    submitted = any(k in request.GET for k in SEARCH_FIELDS) or "date_of_birth-year" in request.GET
    form = SearchForm(request.GET if submitted else None)
    found = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        query = SearchQuery(**{k: data.get(k) or ("" if k != "date_of_birth" else None)
                               for k in (*SEARCH_FIELDS, "date_of_birth")})
        found = selectors.find_for_access_review(request.user, query)
    for_incident = selectors.open_incident_to_link(request.user, request.GET.get("incident"))
    return _render(request, "home.html", {"summary": summary, "form": form, "found": found,
                                          "for_incident": for_incident, "title": "Data protection"})


def _access_page(request, **subject):
    selectors.require_governance(request.user)
    form = forms.DateRangeForm(request.GET if any(k.startswith("date_") for k in request.GET) else None)
    log = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        dates = audit_review.DateRange(data.get("date_from"), data.get("date_to"))
        log = audit_review.access_log(request.user, dates=dates, page=request.GET.get("page"), **subject)
    query = request.GET.copy()
    query.pop("page", None)
    kind = next(iter(subject)).removesuffix("_id")
    titles = {"family": f"Who has accessed family record {subject.get('family_id')}",
              "person": f"Who has accessed person record {subject.get('person_id')}",
              "user": "What a user has accessed"}
    return _render(request, "access_log.html", {"form": form, "log": log, "kind": kind, "query": query.urlencode(),
                                                "title": titles[kind]})


def access_family_view(request, family_id: int):
    return _access_page(request, family_id=family_id)


def access_person_view(request, person_id: int):
    return _access_page(request, person_id=person_id)


def access_user_view(request, user_id: int):
    return _access_page(request, user_id=user_id)


def unusual_access_view(request):
    form = forms.UnusualAccessForm(request.GET or None)
    report = None
    params = looks.UnusualParams()
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        params = looks.UnusualParams(records=data.get("records") or looks.DEFAULT_RECORDS,
                                     minutes=data.get("minutes") or looks.DEFAULT_MINUTES,
                                     date_from=data.get("date_from"), date_to=data.get("date_to"))
        report = unusual_access.unusual_access(request.user, params)
    elif not governance.can_review_unusual_access(request.user):
        raise NotPermitted(object_type="dpo.unusual_access")
    if not form.is_bound:
        form = forms.UnusualAccessForm(initial={"records": params.records, "minutes": params.minutes})
    return _render(request, "unusual_access.html", {"form": form, "report": report, "params": params,
                                                    "title": "Unusual access"})


def audit_verify_view(request):
    selectors.require_governance(request.user)
    check = audit_review.audit_chain_check(request.user) if request.method == "POST" else None
    return _render(request, "audit_verify.html", {"check": check, "title": "Check the audit log"})
