from django.contrib import messages
from django.shortcuts import redirect, render

from hearth.access import governance
from hearth.merges import forms, selectors, services
from hearth.web.once import submit_once
from hearth.web.refusals import run_on_form

ACTIVE = "dpo"


def _render(request, template: str, context: dict):
    return render(request, f"merges/{template}", {"active": ACTIVE, **context})


@submit_once
def compare_view(request):
    """Two records side by side; the officer chooses which stays and, detail by detail, what it keeps."""
    governance.require_officer(request.user, object_type=services.LABEL, to="merge records")
    source = request.POST if request.method == "POST" else request.GET
    choose = forms.ChooseForm(source if ("left" in source or "right" in source) else None)
    compared = {}
    if choose.is_valid():
        run_on_form(choose, lambda: compared.update(zip(
            ("left", "right", "rows"),
            selectors.compare(request.user, choose.cleaned_data["left"], choose.cleaned_data["right"]), strict=True)))
    if not compared:
        return _render(request, "choose.html", {"form": choose, "title": "Merge two records of one person"})
    left, right, rows = compared["left"], compared["right"], compared["rows"]
    form = forms.MergeForm(request.POST if request.method == "POST" else None, rows=rows, initial={
        "left_version": left.person.version, "right_version": right.person.version, "survivor": "left",
        **{f"keep_{row.field}": "left" for row in rows}})
    done = {}
    if request.method == "POST" and form.is_valid():
        (stays, stays_version), (goes, goes_version) = form.staying_and_going(left, right)

        def call():
            done["merge"] = services.merge(actor=request.user, survivor=stays.person, merged=goes.person,
                                           versions=(stays_version, goes_version), take=form.taken(),
                                           reason=form.cleaned_data["reason"])

        if run_on_form(form, call):
            messages.success(request, f"The records have been merged into {stays.person.full_name}'s record.")
            return redirect("merges:merge", merge_id=done["merge"].pk)
    return _render(request, "compare.html", {"form": form, "left": left, "right": right, "rows": rows,
                                             "title": "Compare two records before merging them"})


def _merge_page(request, merge_record, *, unmerge_form=None, told_form=None):
    """The merge page: what the merge did, who was told and how, the form to record a recipient told another way,
    and the form to undo it. `form` is the one whose errors the summary shows."""
    unmerge_form = unmerge_form or forms.UnmergeForm()
    told_form = told_form or forms.ToldForm(recipients=merge_record.recipients)
    return _render(request, "merge.html", {"m": merge_record, "unmerge_form": unmerge_form, "told_form": told_form,
                                           "form": told_form if told_form.errors else unmerge_form,
                                           "title": f"Merge {merge_record.pk}"})


def merge_view(request, merge_id: int):
    return _merge_page(request, selectors.merge_detail(request.user, merge_id))


def unmerge_view(request, merge_id: int):
    merge_record = selectors.merge_detail(request.user, merge_id)
    form = forms.UnmergeForm(request.POST or None)
    result = {}
    if request.method == "POST" and form.is_valid():
        def call():
            result.update(services.unmerge(actor=request.user, merge_record=merge_record,
                                           reason=form.cleaned_data["reason"]))

        if run_on_form(form, call):
            note = ""
            if result.get("kept_since"):
                note = " Some details changed since the merge were kept on the record that stayed."
            messages.success(request, "The two records have been separated again." + note)
            return redirect("merges:merge", merge_id=merge_record.pk)
    return _merge_page(request, merge_record, unmerge_form=form)


@submit_once
def told_view(request, merge_id: int):
    """Record that a recipient of the merged record's information was told another way (the merge page's form)."""
    merge_record = selectors.merge_detail(request.user, merge_id)
    form = forms.ToldForm(request.POST if request.method == "POST" else None, recipients=merge_record.recipients)
    if request.method == "POST" and form.is_valid():
        def call():
            services.record_told(actor=request.user, merge_record=merge_record, key=form.cleaned_data["key"],
                                 how=form.cleaned_data["how"])

        if run_on_form(form, call):
            messages.success(request, "It has been recorded in the information-sharing register.")
            return redirect("merges:merge", merge_id=merge_record.pk)
    return _merge_page(request, merge_record, told_form=form)
