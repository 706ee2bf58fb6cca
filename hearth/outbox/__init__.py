"""The outbox: every email Hearth sends is written here in the transaction of the action that sends it, and sent
afterwards by a job, with retries, through GOV.UK Notify or Django's email backend. An action never waits for,
or fails with, the mail server (decision record 0012)."""
