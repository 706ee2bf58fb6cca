"""The data protection officer's subject access pages: the dashboard, a new request, the workbench, identity,
extension, withholding, release, downloads and closing. Every page needs the DPO role of the request's council
(NotPermitted, a 403 page, otherwise)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import DomainError, NotPermitted
from hearth.families.forms import SearchForm
from hearth.people.search import SearchQuery
from hearth.subject_access import selectors, services
from hearth.subject_access.forms import (
    CloseForm,
    EditRequestForm,
    ExtendForm,
    NewRequestForm,
    ReleaseForm,
    VerifyForm,
    WithholdForm,
)
from hearth.subject_access.models import RequesterRelationship
from hearth.web.forms import record_number
from hearth.web.once import submit_once
from hearth.web.refusals import refusal_on

SEARCH_FIELDS = ("given_name", "family_name", "nhs_number", "postcode")


def _workbench_url(sar, anchor: str = "") -> str:
    url = reverse("subject_access:workbench", kwargs={"sar_id": sar.pk})
    return f"{url}#{anchor}" if anchor else url


@require_GET
def dashboard_view(request):
    board = selectors.dashboard(request.user)
    return render(request, "subject_access/dashboard.html", {
        "board": board, "title": "Subject access requests", "active": "subject_access"})


@submit_once
@require_http_methods(["GET", "POST"])
def new_view(request):
    """Find the subject among the council's people, then record the request."""
    selectors.require_officer(request.user)
    person_id = record_number(request.GET.get("person") or request.POST.get("person"))
    if person_id is not None:
        return _new_request(request, selectors.subject_for_request(request.user, person_id))
    submitted = any(k in request.GET for k in SEARCH_FIELDS) or "date_of_birth-year" in request.GET
    form = SearchForm(request.GET if submitted else None)
    results = None
    if submitted and form.is_valid():
        query = SearchQuery(**{k: form.cleaned_data.get(k) or ("" if k != "date_of_birth" else None)
                               for k in (*SEARCH_FIELDS, "date_of_birth")})
        results = selectors.find_subjects(request.user, query)
    return render(request, "subject_access/find.html", {
        "form": form, "results": results, "title": "New subject access request", "active": "subject_access"})


def _new_request(request, subject):
    initial = {"requester_relationship": RequesterRelationship.SELF, "requester_name": subject.full_name}
    form = NewRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            sar = services.sar_create(
                actor=request.user, subject=subject, requester_name=data["requester_name"],
                requester_relationship=data["requester_relationship"], on_behalf_of=data["on_behalf_of"],
                requester_contact=data["requester_contact"], received_on=data["received_on"])
        if attempt.ok:
            messages.success(request, f"Subject access request {sar.reference} has been recorded. It is due on "
                                      f"{sar.due_on:%-d %B %Y}.")
            return redirect(_workbench_url(sar))
    return render(request, "subject_access/new.html", {
        "form": form, "subject": subject, "title": f"New subject access request about {subject.full_name}",
        "active": "subject_access"})


@require_GET
def workbench_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    bundle = selectors.workbench(request.user, sar)
    return render(request, "subject_access/workbench.html", {
        "sar": sar, "bundle": bundle, "release": selectors.release_state(request.user, sar),
        "title": f"Subject access request {sar.reference}",
        "active": "subject_access", "today": timezone.localdate()})


def _form_page(request, sar, form, *, template: str, title: str, save, success: str):
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            save(form.cleaned_data)
        if attempt.ok:
            messages.success(request, success)
            return redirect(_workbench_url(sar))
    return render(request, template, {"form": form, "sar": sar, "title": title, "active": "subject_access"})


@require_http_methods(["GET", "POST"])
def edit_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    initial = {k: getattr(sar, k) for k in services.EDITABLE}
    form = EditRequestForm(request.POST if request.method == "POST" else None, initial={**initial,
                                                                                          "version": sar.version})
    return _form_page(
        request, sar, form, template="subject_access/edit.html", title="Change the requester's details",
        success="The requester's details have been saved.",
        save=lambda d: services.sar_update(actor=request.user, sar=sar, version=d["version"],
                                           changes={k: d[k] for k in services.EDITABLE}))


@require_http_methods(["GET", "POST"])
def verify_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    form = VerifyForm(request.POST if request.method == "POST" else None, initial={"version": sar.version})
    return _form_page(
        request, sar, form, template="subject_access/verify.html", title="Record the requester's identity check",
        success="The identity check has been recorded.",
        save=lambda d: services.sar_verify(actor=request.user, sar=sar, version=d["version"], method=d["method"],
                                           note=d["note"]))


@require_http_methods(["GET", "POST"])
def extend_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    form = ExtendForm(request.POST if request.method == "POST" else None, initial={"version": sar.version})
    form.fields["months"].choices = [
        (n, f"{text}: due {services.due_date(sar.received_on, n):%-d %B %Y}")
        for n, text in form.fields["months"].choices]
    saved = {}

    def save(d):
        saved["sar"] = services.sar_extend(actor=request.user, sar=sar, version=d["version"], months=d["months"],
                                           reason=d["reason"])

    response = _form_page(request, sar, form, template="subject_access/extend.html", title="Extend the deadline",
                          success="The extension has been recorded.", save=save)
    if "sar" in saved:
        messages.info(request, f"The request is now due on {saved['sar'].due_on:%-d %B %Y}. Tell the requester "
                               "about the extension and why.")
    return response


@require_http_methods(["GET", "POST"])
def close_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    form = CloseForm(request.POST if request.method == "POST" else None, initial={"version": sar.version})
    return _form_page(
        request, sar, form, template="subject_access/close.html", title="Withdraw or close the request",
        success="The request has been closed.",
        save=lambda d: services.sar_close(actor=request.user, sar=sar, version=d["version"], outcome=d["outcome"],
                                          reason=d["reason"]))


@submit_once
@require_http_methods(["GET", "POST"])
def withhold_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    key = request.POST.get("item") or request.GET.get("item") or ""
    bundle = selectors.workbench(request.user, sar)
    item = bundle.item(key)
    if item is None:
        messages.error(request, "That item is no longer in the record. Choose it again from the bundle.")
        return redirect(_workbench_url(sar))
    targets = [(item.key, f"The whole item: {item.title}")]
    targets += [(f.key, f"Only “{f.label}”") for f in item.fields if f.withheld is None]
    initial = {"item_key": key if key in dict(targets) else item.key}
    form = WithholdForm(request.POST if request.method == "POST" else None, targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on(form) as attempt:
            services.withholding_add(actor=request.user, sar=sar, item_key=data["item_key"],
                                     reason=data["reason"], note=data["note"], bundle=bundle)
        if attempt.ok:
            messages.success(request, "It will be left out of the release.")
            return redirect(_workbench_url(sar, anchor=_anchor(item.key)))
    return render(request, "subject_access/withhold.html", {
        "form": form, "sar": sar, "item": item, "title": "Withhold information", "active": "subject_access"})


def _anchor(key: str) -> str:
    return "item-" + "".join(c if c.isalnum() else "-" for c in key)


@require_POST
def withholding_remove_view(request, sar_id: int, withholding_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    withholding = selectors.withholding_for(request.user, sar, withholding_id)
    key = withholding.item_key.split("/", 1)[0]
    try:
        with transaction.atomic():
            services.withholding_remove(actor=request.user, sar=sar, withholding=withholding)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "It will be included in the release.")
    return redirect(_workbench_url(sar, anchor=_anchor(key)))


@submit_once
@require_http_methods(["GET", "POST"])
def release_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    form = ReleaseForm(request.POST if request.method == "POST" else None, initial={"version": sar.version})
    if request.method == "POST" and form.is_valid():
        with refusal_on(form) as attempt:
            services.sar_release(actor=request.user, sar=sar, version=form.cleaned_data["version"])
        if attempt.ok:
            messages.success(request, f"Subject access request {sar.reference} has been released. The bundle is "
                                      "being prepared: download the PDF and the data file below when they are "
                                      "ready, and send them to the requester securely.")
            return redirect(_workbench_url(sar))
    withheld = sar.withholdings.count()
    return render(request, "subject_access/release.html", {
        "form": form, "sar": sar, "withheld": withheld, "title": f"Release {sar.reference}",
        "active": "subject_access"})


@submit_once
@require_POST
def prepare_again_view(request, sar_id: int):
    sar = selectors.sar_detail(request.user, sar_id)
    try:
        services.sar_prepare_again(actor=request.user, sar=sar)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The bundle is being prepared again.")
    return redirect(_workbench_url(sar))


def _download(request, sar_id: int, kind: str):
    sar = selectors.sar_detail(request.user, sar_id)
    bundle = selectors.released_bundle(request.user, sar)
    if bundle is None:
        raise NotPermitted("There is nothing to download: this request has not been released, or its bundle is "
                           "still being prepared.",
                           object_type="subject_access.subjectaccessrequest", object_id=sar.pk)
    trail.record(actor=request.user, action=AuditAction.EXPORT, obj=sar, person_id=sar.subject_id,
                 detail={"document": f"subject_access_{kind}", "sha256": getattr(bundle, f"{kind}_sha256")})
    stem = f"subject-access-{sar.reference}"
    if kind == "pdf":
        response = HttpResponse(bytes(bundle.pdf), content_type="application/pdf")
        filename = f"{stem}.pdf"
    else:
        response = HttpResponse(bundle.json.encode(), content_type="application/json; charset=utf-8")
        filename = f"{stem}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def bundle_pdf_view(request, sar_id: int):
    return _download(request, sar_id, "pdf")


@require_GET
def bundle_json_view(request, sar_id: int):
    return _download(request, sar_id, "json")

