"""Domain errors. Services raise these; views and the API turn them into plain-English answers."""


class DomainError(Exception):
    """A rule of the service was not met. `message` is plain English, safe to show the user."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ValidationFailed(DomainError):
    """Several field errors at once: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()), code="invalid")
        self.errors = errors


class NotPermitted(DomainError):
    """Refused by the access policy. The refusal is audited where it is handled (the access middleware, the API)."""

    def __init__(self, message: str = "You do not have access to this record.", *, object_type: str = "",
                 object_id: str | int = ""):
        super().__init__(message, code="not_permitted")
        self.object_type = object_type
        self.object_id = str(object_id)


class Conflict(DomainError):
    """Someone else changed the record since it was read."""

    def __init__(self, message: str):
        super().__init__(message, code="conflict")
