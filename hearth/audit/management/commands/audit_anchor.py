from django.conf import settings
from django.core.management.base import BaseCommand

from hearth.audit import anchors


class Command(BaseCommand):
    help = ("Write the audit chain's latest sealed row (time, row id, sequence number, hash) outside the database: "
            "one line of JSON appended to HEARTH_AUDIT_ANCHOR_FILE (or --to FILE), and to syslog when "
            "HEARTH_AUDIT_ANCHOR_SYSLOG is on. `hearth audit-verify --anchors FILE` checks the chain against them.")

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="FILE",
                            help=f"append to FILE (default {settings.HEARTH_AUDIT_ANCHOR_FILE})")
        parser.add_argument("--syslog", action="store_true", help="also write the anchor to syslog")

    def handle(self, *args, to, syslog, **options):
        anchor = anchors.write_anchor(to, to_syslog=True if syslog else None)
        if anchor["event_id"] is None:
            self.stdout.write("Nothing in the audit log is sealed yet: no anchor written.")
            return
        self.stdout.write(f"Anchored audit row id {anchor['event_id']} (sequence {anchor['seq']}, hash "
                          f"{anchor['hash'][:16]}…) in {to or settings.HEARTH_AUDIT_ANCHOR_FILE}.")
