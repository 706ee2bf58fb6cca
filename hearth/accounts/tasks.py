"""Accounts' jobs: the password reset email, prepared by the worker so that the request takes the same time
whether or not the email address has an account."""

from hearth.accounts.forms import OutboxPasswordResetForm
from hearth.jobs import queue


@queue.job("Prepare a password reset email")
def send_password_reset(email: str, domain: str, use_https: bool) -> str:
    """Write the reset link to the outbox for each active account with this email address (none when it has none:
    the person who asked was told the same either way)."""
    form = OutboxPasswordResetForm({"email": email})
    if not form.is_valid():
        return "not an email address"
    form.save(domain_override=domain, use_https=use_https,
              email_template_name="accounts/email/password_reset.txt",
              subject_template_name="accounts/email/password_reset_subject.txt")
    return "done"
