"""Finding people recorded twice across the council, made in the worker (hearth.jobs) for the data protection
officer, who alone may start it and decide on what it finds.

The job reads the council's people (not erased), learns the council's own model from them, finds the pairs Splink
weighs at THRESHOLD or more, and keeps them as the council's queue (`services.save_run`), reporting its progress by
stage on the job's page. The audit log records the run with counts only, never a name.

A detail no two people have (`batch.unusable`) cannot be compared: without the names or the date of birth
(`splink_model.ESSENTIAL`) the run is refused, and says why; without NHS numbers or postcodes it goes on without that
comparison, and says which it left out. The queue's page shows both (`DuplicateRun.notes`).
"""

from django.urls import reverse

from hearth.access import governance
from hearth.accounts.models import User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.models import Council
from hearth.duplicates import batch, services, splink_model
from hearth.duplicates.models import DuplicateRun, RunStatus
from hearth.jobs import queue

TITLE = "Find people recorded twice"
REFUSAL = "Only the council's data protection officer can look for people recorded twice."
THRESHOLD = 0.5
# Fewer people than this give Splink too few pairs to learn from: the run finds nothing.
FEWEST = 20
STAGES = ("Reading people", "Learning the model", "Finding pairs", "Saving the queue")


def may_run(user, council_id: int) -> bool:
    return governance.can_do_governance(user, council_id)


def about(council_id: int) -> str:
    return f"duplicates:run:{council_id}"


def _who(held: int, detail: str) -> str:
    return f"no one in the council's records has {detail}" if not held else \
        f"only one person in the council's records has {detail}"


DETAIL = {"given": "a given name", "family": "a family name", "dob": "a date of birth", "nhs": "an NHS number",
          "postcode": "a current postcode"}


def refusal(missing: dict[str, int]) -> str:
    """Why a run missing an essential detail was not run, in plain English."""
    essential = [c for c in splink_model.ESSENTIAL if c in missing]
    why = "; ".join(_who(missing[c], DETAIL[c]) for c in essential)
    return (f"Not run: {why}. Hearth needs everyone's names and dates of birth to tell one person recorded twice "
            "from two people who share a detail. Record them and look again.")


def not_used(comparison: str, held: int) -> str:
    """Which comparison a run left out and why, in plain English."""
    return (f"The {splink_model.CALLED[comparison]} comparison was not used: {_who(held, DETAIL[comparison])}, so "
            f"people were compared without it.")


@queue.job("Find people recorded twice", retries=1, atomic=False)
def find_duplicates(council_id: int, user_id: int) -> str:
    council = Council.objects.get(pk=council_id)
    user = User.objects.select_related("agency").get(pk=user_id)
    if not may_run(user, council_id):
        raise queue.GiveUp("The person who started this run may no longer look for people recorded twice.")
    run = DuplicateRun.objects.create(council=council, started_by=user)
    try:
        queue.report(0, len(STAGES), STAGES[0])
        table = batch.people_frame(council_id)
        pairs, trained = [], {}
        missing = batch.unusable(table) if len(table) >= FEWEST else {}
        if set(missing) & set(splink_model.ESSENTIAL):
            why = refusal(missing)
            services.refuse_run(run, people=len(table), notes=[why])
            trail.record(actor=user, action=AuditAction.CREATE, obj=run,
                         detail={"people": len(table), "refused": sorted(missing), "pairs": 0})
            queue.report(len(STAGES), len(STAGES), "Not run")
            return why
        notes = [not_used(c, held) for c, held in missing.items()]
        if len(table) >= FEWEST:
            linker = batch.duckdb_linker(table, omit=tuple(missing))
            queue.report(1, len(STAGES), STAGES[1])
            trained = batch.train(linker, people=len(table))
            queue.report(2, len(STAGES), STAGES[2])
            pairs = batch.predict(linker, THRESHOLD, household=trained["household"])
            del linker
        queue.report(3, len(STAGES), STAGES[3])
        saved = services.save_run(run, pairs, people=len(table), trained=trained, notes=notes)
    except Exception:
        DuplicateRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
        raise
    _audit(user, run, len(table), pairs, saved, not_used=sorted(missing))
    queue.report(len(STAGES), len(STAGES), "Finished")
    return f"{saved.pairs} pairs"


NO_MODEL_YET = ("Spark uses the model the council's last run learned, and there is none yet: run \"Look for people "
                "recorded twice\" in Hearth once first.")


def model_for_spark(council_id: int, user) -> DuplicateRun:
    """The run whose learned model Spark uses: the council's last finished run that learned one. Only for the data
    protection officer; refused, saying why, before there is one."""
    if not may_run(user, council_id):
        raise NotPermitted(REFUSAL, object_type="duplicates.duplicaterun")
    learned = (DuplicateRun.objects.filter(council_id=council_id, status=RunStatus.FINISHED)
               .exclude(trained_model={}).order_by("-finished_at", "-pk").first())
    if learned is None:
        raise ValidationFailed({"__all__": NO_MODEL_YET})
    return learned


def find_on_spark(council_id: int, user, spark) -> tuple[DuplicateRun, services.Saved]:
    """The council's pairs found on Spark (a cluster's session, or a local one; docs/deploy.md) with the model of
    `model_for_spark`, kept and audited as the job keeps and audits them."""
    learned = model_for_spark(council_id, user)
    run = DuplicateRun.objects.create(council_id=council_id, started_by=user)
    try:
        table = batch.people_frame(council_id)
        pairs = batch.predict(batch.spark_linker(table, spark, learned.trained_model), THRESHOLD,
                              household=learned.trained_model["household"])
        notes = [f"Found on Spark with the model learned on {learned.finished_at:%-d %B %Y}.", *learned.notes]
        # It learned nothing itself (so the next run on Spark uses the model of a run that did): the audit names it.
        saved = services.save_run(run, pairs, people=len(table), trained={}, notes=notes)
    except Exception:
        DuplicateRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
        raise
    _audit(user, run, len(table), pairs, saved, on="spark", model_of_run=learned.pk)
    return run, saved


def _audit(user, run: DuplicateRun, people: int, pairs: list, saved: services.Saved, **more) -> None:
    """A run kept, audited with counts only, never a name."""
    trail.record(actor=user, action=AuditAction.CREATE, obj=run,
                 detail={"people": people, "pairs_found": len(pairs), "pairs": saved.pairs,
                         "replaced": saved.replaced, "not_offered_again": saved.not_offered_again,
                         "threshold": THRESHOLD, **more})


def start(user) -> str:
    """Queue a run for the data protection officer (refused for anyone else): its page's id."""
    council = user.agency.council
    if not may_run(user, council.pk):
        raise NotPermitted(REFUSAL, object_type="duplicates.duplicaterun")
    return queue.start(find_duplicates, council.pk, user.pk, owner=user, about=about(council.pk), title=TITLE,
                       result_url=reverse("duplicates:queue"))
