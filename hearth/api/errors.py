"""One place that maps domain errors to structured API errors."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hearth.core.errors import Conflict, DomainError, NotPermitted, ValidationFailed


def exception_handler(exc, context):
    if isinstance(exc, ValidationFailed):
        return Response({"error": "invalid", "message": exc.message, "fields": exc.errors},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotPermitted):
        return Response({"error": "not_permitted", "message": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Conflict):
        return Response({"error": "conflict", "message": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        return Response({"error": exc.code, "message": exc.message}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"error": getattr(exc, "default_code", "error"), "message": str(response.data["detail"])}
    return response
