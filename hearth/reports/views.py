"""The reports pages: the list of reports (the analyst's landing page); the caseload, and the reports counted over
a period (flow, timeliness, outcomes, equality), each with its charts, tables and download; the families behind a
caseload row, for managers and coordinators; the extracts. Every page needs a reporting role (`reports.access`);
refusals are 403 pages. A download is the page's tables as CSV, as protected as the page, and is audited as an
export of counts."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.jobs import selectors as job_selectors
from hearth.reports import access, caseload, equality, flow, left_out, outcomes, pseudonymised, ssd, tasks, timeliness
from hearth.reports.forms import FiltersForm
from hearth.reports.suppression import SUPPRESSED, threshold_for
from hearth.reports.tables import DOWNLOADS, download
from hearth.web.once import submit_once

ACTIVE = "reports"


def home_view(request):
    access.require_reports(request.user)
    council = request.user.agency.council
    return render(request, "reports/home.html", {"active": ACTIVE, "council": council,
                                                 "threshold": threshold_for(council), "title": "Reports"})


def _form(request, **kwargs) -> FiltersForm:
    """The page's filters, of the council asked for among those the user may report on (`form.council`)."""
    data = request.GET.copy()
    data.pop("download", None)
    return FiltersForm(access.reportable_councils(request.user), data or None, **kwargs)


def _page(request, template: str, form, report, title: str, **context):
    query = request.GET.copy()
    query.pop("download", None)
    return render(request, template, {
        "active": ACTIVE, "form": form, "report": report,
        "threshold": threshold_for(form.council), "query": query.urlencode(), "title": title, **context})


def caseload_view(request):
    access.require_reports(request.user)
    form = _form(request, breakdowns=caseload.BREAKDOWNS)
    council = form.council
    report = None
    if not form.is_bound or form.is_valid():
        by = (form.cleaned_data.get("by") if form.is_bound else "") or "team"
        names = {"team": {k: t.name for k, t in form.teams.items()},
                 "agency": {k: a.name for k, a in form.agencies.items()},
                 "locality": {k: x.name for k, x in form.localities.items()}}
        report = caseload.caseload(council, form.chosen(), by=by, names=names, threshold=threshold_for(council))
        if request.GET.get("download") in DOWNLOADS:
            return _download(request, "caseload", [report.table], form, report.as_at, extra={"by": by},
                             filename=f"caseload-by-{by}")
    return _page(request, "reports/caseload.html", form, report, "Caseload",
                 drill=access.can_drill_down(request.user))


def caseload_families_view(request):
    """The families behind one row of the caseload table that the user may see (managers and coordinators)."""
    access.require_drill_down(request.user)
    form = _form(request, breakdowns=caseload.BREAKDOWNS)
    council = form.council
    key = request.GET.get("row", "")
    if not form.is_valid() or not (key == "none" or (key.isdigit() and len(key) <= 12)):
        raise Http404
    by = form.cleaned_data.get("by") or "team"
    found = caseload.families_in_row(request.user, council, form.chosen(), by=by, key=key)
    query = request.GET.copy()
    query.pop("row", None)
    return render(request, "reports/caseload_families.html", {
        "active": ACTIVE, "found": found, "by": caseload.BREAKDOWNS[by], "back_query": query.urlencode(),
        "title": "The families behind a count"})


def _period_view(request, *, name: str, title: str, build, tables, breakdowns: dict | None = None, before=None):
    """A report counted over a period (flow, timeliness, outcomes, equality): its filters, the report `build`
    makes, its page `reports/<name>.html`, or its `tables` (and any lines `before` them) as the download."""
    access.require_reports(request.user)
    form = _form(request, areas=("locality", "level", "age_band"), period=True, breakdowns=breakdowns)
    council = form.council
    report = None
    if not form.is_bound or form.is_valid():
        by = {}
        if breakdowns:
            by = {"by": (form.cleaned_data.get("by") if form.is_bound else "") or next(iter(breakdowns))}
        report = build(council, form.chosen(), form.period(), threshold=threshold_for(council), **by)
        if request.GET.get("download") in DOWNLOADS:
            start, end = report.period.start, report.period.end
            return _download(request, name, tables(report), form, report.as_at,
                             extra={**by, "from": start.isoformat(), "to": end.isoformat()},
                             filename=f"{name}{'-by-' + by['by'] if by else ''}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}",
                             before=before(report) if before else ())
    return _page(request, f"reports/{name}.html", form, report, title)


def flow_view(request):
    return _period_view(request, name="flow", title="Flow: what came in and went out", build=flow.flow,
                        tables=lambda report: report.tables)


def timeliness_view(request):
    return _period_view(request, name="timeliness", title="Timeliness", build=timeliness.timeliness,
                        tables=lambda report: [m.table for m in report.measures])


def outcomes_view(request):
    return _period_view(request, name="outcomes", title="Outcomes", build=outcomes.outcomes,
                        tables=lambda report: report.tables, before=outcomes.area_lines)


def equality_view(request):
    return _period_view(request, name="equality", title="Equality: children in Early Help", build=equality.equality,
                        tables=lambda report: [report.table], breakdowns=equality.BREAKDOWNS)


def _download(request, name: str, tables, form, as_at, *, extra: dict, filename: str, before=()):
    council = form.council
    chosen = {k: (v.pk if hasattr(v, "pk") else v[2] if isinstance(v, tuple) else v)
              for k, v in form.chosen().items() if v}
    trail.record(actor=request.user, action=AuditAction.EXPORT, object_type=f"reports.{name}",
                 detail={"report": name, **extra, "filters": chosen, "council": council.code,
                         "format": request.GET["download"]})
    notes = [f"{SUPPRESSED}: a count from 1 to {threshold_for(council)}, or one hidden so that it cannot be worked "
             "out from the totals", f"{council.name}. Counted at {as_at:%H:%M on %-d %B %Y}"]
    return download(request.GET["download"], tables, notes, filename=f"{filename}-{as_at:%Y-%m-%d}", before=before)


def extracts_view(request):
    """The extracts: what each holds, who may make it, the user's latest of each."""
    access.require_reports(request.user)
    council = request.user.agency.council
    extracts = [{"extract": e, "may_make": tasks.may_make(request.user, kind),
                 "latest": job_selectors.latest_owned(request.user, tasks.about(kind, council.pk))}
                for kind, e in tasks.EXTRACTS.items()]
    return render(request, "reports/extracts.html", {
        "active": ACTIVE, "council": council, "extracts": {x["extract"].kind: x for x in extracts},
        "left_out": left_out.left_out(council) if any(x["may_make"] for x in extracts) else None,
        "ssd_objects": ssd.OBJECTS, "pseudonymised_objects": pseudonymised.OBJECTS, "title": "Extracts"})


@submit_once
@require_POST
def extract_start_view(request, kind: str):
    if kind not in tasks.EXTRACTS:
        raise Http404
    task_id = tasks.start(request.user, kind)  # refused (403) for anyone who may not make it
    return redirect("jobs:job", task_id=task_id)
