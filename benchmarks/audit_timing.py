"""The measurement of the unusual-access report benchmark (benchmarks/audit_report.py), in its worker process: the
whole report and each of its four parts, for the demo data protection officer and the demo manager, over 7 and 92
days, each in a transaction rolled back afterwards."""

import os
import statistics
import time
from datetime import timedelta

from benchmarks.audit_fill import MANAGER
from benchmarks.run import log

DPO = "dpo@demo.hearth.test"


def _timed_report(user, params) -> tuple[float, dict]:
    from django.db import transaction

    from hearth.dpo import unusual_access

    with transaction.atomic():
        started = time.perf_counter()
        report = unusual_access.unusual_access(user, params)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, report


def _parts(user, params) -> dict[str, float]:
    from django.db import transaction

    from hearth.dpo import bursts, unusual_access

    out = {}
    with transaction.atomic():
        for name, call in (("many_records", bursts.many_records),
                           ("colleagues", unusual_access.colleagues_records),
                           ("surnames", unusual_access.shared_surname_records),
                           ("break_glass", unusual_access.break_glass_uses)):
            started = time.perf_counter()
            call(user, params)
            out[name] = round((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    return out


def time_report(runs: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from hearth.access import governance
    from hearth.accounts.models import User
    from hearth.dpo import looks

    today = timezone.localdate()
    cells = []
    for email, who in ((DPO, "Data protection officer"), (MANAGER, "Manager")):
        user = User.objects.get(email=email)
        reviewed = User.objects.filter(governance.access_reviewed_users(user)).count()
        for days in (7, 92):
            params = looks.UnusualParams(date_from=today - timedelta(days=days - 1), date_to=today)
            _timed_report(user, params)  # warm-up
            times, loads = [], []
            for _ in range(runs):
                loads.append(round(os.getloadavg()[0], 2))
                elapsed, report = _timed_report(user, params)
                times.append(elapsed)
            cells.append({
                "who": who, "email": email, "days": days, "reviewed": reviewed, "runs": runs,
                "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
                "load_min": min(loads), "load_max": max(loads), "parts_ms": _parts(user, params),
                "found": {"bursts": len(report["bursts"]), "colleagues": len(report["colleagues"]),
                          "surnames": len(report["surnames"]), "break_glass": len(report["break_glass"])},
            })
            log(f"  {who}, {days} days: median {cells[-1]['median_s']} s, load {loads}")
    with connection.cursor() as cursor:
        server = cursor.execute("SELECT current_setting('server_version')").fetchone()[0]
        audit_rows = cursor.execute("SELECT count(*) FROM governance_auditevent").fetchone()[0]
    return {"server": f"PostgreSQL {server}", "cells": cells, "audit_rows_timed": audit_rows}
