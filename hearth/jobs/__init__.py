"""Background work: a job queue in the database (django-tasks with its database backend), the `hearth worker`
process that runs it, retries with back-off, schedules that live in code, and the progress of long jobs.

Decision record 0012 says why. Job arguments are identifiers only, never personal data.
"""
