"""Writing emails to the outbox. Call inside the transaction of the action: the email is sent only if the action
commits, and the action commits whether or not the mail server is up."""

from hearth.jobs import queue
from hearth.outbox import tasks
from hearth.outbox.models import Message


def send(*, to: list[str] | str, subject: str, body: str, kind: str, about=None) -> list[Message]:
    """Queue one email to each address (blank addresses are skipped). `kind` names what the email is (for the
    Notify template and the administrator's pages); `about` is the record its sending is reported to."""
    addresses = [to] if isinstance(to, str) else list(to)
    about_type = about._meta.label_lower if about is not None else ""
    about_id = str(about.pk) if about is not None else ""
    messages = []
    for address in dict.fromkeys(a.strip() for a in addresses if a and a.strip()):
        message = Message.objects.create(kind=kind, to=address, subject=subject[:300], body=body,
                                         about_type=about_type, about_id=about_id)
        queue.enqueue(tasks.deliver, message.pk)
        messages.append(message)
    return messages
