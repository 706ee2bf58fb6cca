"""The information-sharing register: the family's and the person's register pages (filters, print, CSV),
recording a decision by hand, sharing with an agency, and the family's own view of what has been shared."""

import csv
import io

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from hearth.families.forms import RecipientForm
from hearth.sharing import selectors, services
from hearth.sharing import transparency as transparency_document
from hearth.sharing.forms import EntryForm, FilterForm, ShareForm, UnsafeForm
from hearth.sharing.models import Decision
from hearth.web.once import submit_once
from hearth.web.refusals import apply_domain_error, refusal_on

FILTER_FIELDS = ("decision", "origin", "kind", "agency", "date_from-day", "date_from-month", "date_from-year",
                 "date_to-day", "date_to-month", "date_to-year")


def _filter_form(request, agencies) -> FilterForm:
    submitted = any(request.GET.get(k) for k in FILTER_FIELDS)
    return FilterForm(request.GET if submitted else None, agencies=agencies)


def _query_string(request) -> str:
    params = request.GET.copy()
    return params.urlencode()


# ---------------------------------------------------------------------------------------------------------
# The register pages and the CSV export


@require_GET
def family_register_view(request, family_id: int):
    family = selectors.visible_family(request.user, family_id)
    agencies = selectors.agencies_for(family.council)
    form = _filter_form(request, agencies)
    entries = selectors.family_register(request.user, family, form.filters())
    return render(request, "sharing/register.html", {
        "family": family, "person": None, "entries": entries, "form": form, "council": family.council,
        "query": _query_string(request), "title": f"Information sharing: {family.name}",
        "csv_url_name": "sharing:family_csv", "csv_args": {"family_id": family.pk},
    })


@require_GET
def person_register_view(request, person_id: int):
    person = selectors.visible_person(request.user, person_id)
    agencies = selectors.agencies_for(request.user.agency.council)
    form = _filter_form(request, agencies)
    register = selectors.person_register(request.user, person, form.filters())
    return render(request, "sharing/register.html", {
        "family": None, "person": person, "families": register.families, "entries": register.entries,
        "form": form, "query": _query_string(request), "title": f"Information sharing: {person.full_name}",
        "csv_url_name": "sharing:person_csv", "csv_args": {"person_id": person.pk},
    })


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADINGS = ["Date", "Decision", "What", "With whom", "Agency", "About", "Purpose", "Basis",
                "Why not shared", "Decided by", "How it was recorded", "Kind", "Unsafe to disclose to the family",
                "Why unsafe", "Recorded at"]


def csv_cell(value) -> str:
    """A spreadsheet cannot run a cell as a formula: text starting =, +, -, @, a tab or a carriage return gets a
    leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_row(e) -> list[str]:
    decider = f"{e.disclosed_by.full_name}, {e.disclosed_by.agency.name}" if e.disclosed_by_id else ""
    return [csv_cell(v) for v in (
        e.occurred_on.isoformat(), e.get_decision_display(), e.what, e.recipient,
        e.recipient_agency.name if e.recipient_agency_id else "", e.person.full_name if e.person_id else "Whole family",
        e.purpose, e.basis, e.not_shared_reason, decider, e.get_origin_display(), e.get_kind_display(),
        "Yes" if e.unsafe_to_disclose else "No", e.unsafe_reason,
        timezone.localtime(e.disclosed_at).strftime("%Y-%m-%d %H:%M"))]


def csv_response(entries, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADINGS)
    writer.writerows(_csv_row(e) for e in entries)
    # The byte-order mark lets spreadsheet programs read the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def family_csv_view(request, family_id: int):
    family = selectors.visible_family(request.user, family_id)
    form = _filter_form(request, selectors.agencies_for(family.council))
    entries = selectors.family_register(request.user, family, form.filters())
    response = csv_response(entries, f"information-sharing-{family.pk}-{timezone.localdate():%Y-%m-%d}.csv")
    services.register_export_record(actor=request.user, families=[family], rows=len(entries))
    return response


@require_GET
def person_csv_view(request, person_id: int):
    person = selectors.visible_person(request.user, person_id)
    form = _filter_form(request, selectors.agencies_for(request.user.agency.council))
    register = selectors.person_register(request.user, person, form.filters())
    response = csv_response(register.entries,
                            f"information-sharing-person-{person.pk}-{timezone.localdate():%Y-%m-%d}.csv")
    services.register_export_record(actor=request.user, families=register.families, rows=len(register.entries),
                                    person=person)
    return response


# ---------------------------------------------------------------------------------------------------------
# Recording decisions


@submit_once
@require_http_methods(["GET", "POST"])
def entry_new_view(request, family_id: int):
    """A decision to share or not to share, recorded by hand."""
    family = selectors.visible_family(request.user, family_id)
    form = EntryForm(request.POST or None, initial={"occurred_on": timezone.localdate()},
                     members=selectors.members_of(family), agencies=selectors.agencies_for(family.council),
                     bases=selectors.bases_for(family))
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            entry = services.entry_record(actor=request.user, family=family, **form.service_arguments())
        if attempt.ok:
            what = "shared" if entry.decision == Decision.SHARED else "not to share"
            messages.success(request, f"The decision ({what}) has been recorded in the register.")
            return redirect("sharing:family", family_id=family.pk)
    return render(request, "sharing/entry_new.html", {
        "form": form, "family": family, "council": family.council,
        "title": f"Record a decision to share or not to share: {family.name}"})


@submit_once
@require_http_methods(["GET", "POST"])
def share_view(request, family_id: int):
    """Share with an agency: shared when consent or a lawful basis covers it; otherwise the refusal is recorded
    as a decision not to share, and the page says why."""
    family = selectors.visible_family(request.user, family_id)
    form = ShareForm(request.POST or None, members=selectors.members_of(family),
                     agencies=selectors.agencies_for(family.council))
    refused = None
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            try:
                entry = services.share_decide(actor=request.user, family=family, **form.service_arguments())
            except services.ShareRefused as exc:
                # Caught inside the savepoint, so the decision not to share commits with the request.
                refused = exc
        if attempt.ok:
            if refused is None:
                messages.success(request, f"Shared with {entry.with_whom}, on this basis: {entry.basis}. "
                                          "The share has been recorded in the register.")
                return redirect("sharing:family", family_id=family.pk)
            apply_domain_error(form, refused)
    return render(request, "sharing/share.html", {
        "form": form, "family": family, "council": family.council, "refused": refused,
        "title": f"Share information with an agency: {family.name}"})


@require_http_methods(["GET", "POST"])
def entry_unsafe_view(request, entry_id: int):
    entry = selectors.entry_for_update(request.user, entry_id)
    form = UnsafeForm(request.POST or None, initial={"unsafe_to_disclose": entry.unsafe_to_disclose,
                                                     "unsafe_reason": entry.unsafe_reason})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.entry_set_unsafe(actor=request.user, entry=entry,
                                      unsafe=form.cleaned_data["unsafe_to_disclose"],
                                      reason=form.cleaned_data["unsafe_reason"])
        if attempt.ok:
            messages.success(request, "The entry will be left out of what the family is shown."
                             if entry.unsafe_to_disclose else "The entry will be shown to the family.")
            back = request.POST.get("next", "")
            # Only a path of this service (`redirect` would take anything else for the name of a view).
            if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(back)
            return redirect("sharing:family", family_id=entry.family_id)
    return render(request, "sharing/entry_unsafe.html", {
        "form": form, "entry": entry, "family": entry.family, "next": request.GET.get("next", ""),
        "title": "Can the family be told about this?"})


# ---------------------------------------------------------------------------------------------------------
# What the family is shown


@require_GET
def for_family_view(request, family_id: int):
    """The practitioners' preview of the family's copy, with how many entries it leaves out."""
    family = selectors.visible_family(request.user, family_id)
    shown = selectors.transparency(request.user, family)
    form = RecipientForm(members=selectors.members_of(family))
    return render(request, "sharing/for_family.html", {
        "family": family, "council": family.council, "entries": shown.entries, "hidden": shown.hidden,
        "form": form, "title": transparency_document.TITLE})


@require_http_methods(["GET", "POST"])
def for_family_pdf_view(request, family_id: int):
    """The family's copy as a PDF. Giving it is recorded as a disclosure to the family: to the member chosen
    (POST from the preview page), or to the family as a whole (a direct GET)."""
    family = selectors.visible_family(request.user, family_id)
    recipient, person = f"{family.name} (the family)", None
    if request.method == "POST":
        form = RecipientForm(request.POST, members=selectors.members_of(family))
        if not form.is_valid():
            shown = selectors.transparency(request.user, family)
            return render(request, "sharing/for_family.html", {
                "family": family, "council": family.council, "entries": shown.entries, "hidden": shown.hidden,
                "form": form, "title": transparency_document.TITLE})
        recipient, person = form.recipient_text, form.person
    pdf = transparency_document.transparency_pdf(request.user, family)
    services.transparency_copy_record(actor=request.user, family=family, recipient=recipient, person=person)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="what-we-have-shared-{family.pk}-{timezone.localdate():%Y-%m-%d}.pdf"')
    response["Cache-Control"] = "no-store"
    return response
