"""Which database role a `hearth` command connects as (docs/deploy.md, "Database roles").

The service connects with DATABASE_URL, as a role that cannot change the schema or the audit log. The commands that
change the schema or the grants, or replace the whole database, connect as the owner instead, with
HEARTH_MIGRATE_DATABASE_URL when it is set. Used by hearth/cli.py before Django is set up: nothing from Django.
"""

from collections.abc import MutableMapping

OWNER_COMMANDS = frozenset({"migrate", "db_grant", "backup", "restore"})


def use_owner_for(command: str, environ: MutableMapping[str, str]) -> bool:
    """Point DATABASE_URL at HEARTH_MIGRATE_DATABASE_URL for an owner's command (`command` as Django names it,
    with underscores). Returns whether it did."""
    owner = environ.get("HEARTH_MIGRATE_DATABASE_URL", "").strip()
    if command not in OWNER_COMMANDS or not owner:
        return False
    environ["DATABASE_URL"] = owner
    return True
