"""The reports pages: the list of reports (the analyst's landing page) and the caseload report with its chart,
its table and its download. Every page needs a reporting role (`reports.access`); refusals are 403 pages."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.reports import access, caseload, charts
from hearth.reports.forms import FiltersForm
from hearth.reports.suppression import SUPPRESSED, shown_as, threshold_for

ACTIVE = "reports"


def home_view(request):
    access.require_reports(request.user)
    council = request.user.agency.council
    return render(request, "reports/home.html", {"active": ACTIVE, "council": council,
                                                 "threshold": threshold_for(council), "title": "Reports"})


def caseload_view(request):
    access.require_reports(request.user)
    council = request.user.agency.council
    form = FiltersForm(council, request.GET if request.GET else None, breakdowns=caseload.BREAKDOWNS)
    report = None
    if not form.is_bound or form.is_valid():
        filters = form.chosen() if form.is_bound else {}
        by = (form.cleaned_data.get("by") if form.is_bound else "") or "team"
        names = {"team": {k: t.name for k, t in form.teams.items()},
                 "agency": {k: a.name for k, a in form.agencies.items()},
                 "locality": {k: x.name for k, x in form.localities.items()}}
        report = caseload.caseload(council, filters, by=by, names=names, threshold=threshold_for(council))
        if request.GET.get("download") == "csv":
            return _csv(request, report, filters)
    query = request.GET.copy()
    query.pop("download", None)
    return render(request, "reports/caseload.html", {
        "active": ACTIVE, "form": form, "report": report, "council": council, "threshold": threshold_for(council),
        "chart": _chart(report) if report else "", "query": query.urlencode(), "title": "Caseload"})


def _chart(report) -> str:
    totals = report.table.row_totals if report.columns else [row[0] for row in report.table.cells]
    rows = list(zip(report.rows, totals, strict=True))
    described = ", ".join(f"{label}: {shown_as(value)}" for label, value in rows[:12])
    return charts.bar_chart(f"Open episodes by {report.row_heading.lower()}",
                            f"One bar for each row of the table below. {described}"
                            f"{'' if len(rows) <= 12 else ', and more in the table'}.", rows)


def _csv(request, report, filters: dict):
    """The table as a CSV file, as protected as the page. Audited as an export of counts (no personal data)."""
    trail.record(actor=request.user, action=AuditAction.EXPORT, object_type="reports.caseload",
                 detail={"report": "caseload", "by": report.by,
                         "filters": {k: (v.pk if hasattr(v, "pk") else v) for k, v in filters.items() if v}})

    class Echo:
        def write(self, value):
            return value

    def lines():
        writer = csv.writer(Echo())
        heading = [report.row_heading, *(report.columns or ["Open episodes"])]
        if report.columns:
            heading.append("Total")
        yield writer.writerow(heading)
        for i, label in enumerate(report.rows):
            row = [label, *(_cell(v) for v in report.table.cells[i])]
            if report.columns:
                row.append(_cell(report.table.row_totals[i]))
            yield writer.writerow(row)
        total = ["Total", *(_cell(v) for v in report.table.column_totals)] if report.columns else \
            ["Total", _cell(report.table.total)]
        if report.columns:
            total.append(_cell(report.table.total))
        yield writer.writerow(total)
        yield writer.writerow([f"{SUPPRESSED}: a count from 1 to {threshold_for(request.user.agency.council)}, or "
                               "one hidden so that it cannot be worked out from the totals"])
        yield writer.writerow([f"Counted at {report.as_at:%H:%M on %-d %B %Y}"])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caseload-by-{report.by}-{report.as_at:%Y-%m-%d}.csv"'
    return response


def _cell(value) -> str:
    return SUPPRESSED if value is None else str(value)
