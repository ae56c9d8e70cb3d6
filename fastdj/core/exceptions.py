"""Exceptions shared across fastdj, named as in ``django.core.exceptions``."""


class ImproperlyConfigured(Exception):
    """fastdj is somehow improperly configured."""


class MiddlewareNotUsed(Exception):
    """A middleware factory asks to be left out of the chain."""


class ViewDoesNotExist(Exception):
    """The requested view does not exist."""


class FieldError(Exception):
    """Some kind of problem with a model field."""


class ObjectDoesNotExist(Exception):
    """The requested object does not exist."""

    silent_variable_failure = True


class MultipleObjectsReturned(Exception):
    """The query returned multiple objects when only one was expected."""


class PermissionDenied(Exception):
    """The user did not have permission to do that (-> 403)."""


class BadRequest(Exception):
    """The request is malformed and cannot be processed (-> 400)."""


class SuspiciousOperation(Exception):
    """The user did something suspicious (-> 400)."""


class DisallowedHost(SuspiciousOperation):
    """HTTP_HOST header contains an invalid value."""


class DisallowedRedirect(SuspiciousOperation):
    """Redirect to a scheme not in the allowed list."""


class SuspiciousMultipartForm(SuspiciousOperation):
    """Suspect MIME request in multipart form data."""


class SuspiciousFileOperation(SuspiciousOperation):
    """A suspicious filesystem operation was attempted."""


class TooManyFieldsSent(SuspiciousOperation):
    """More GET or POST fields than DATA_UPLOAD_MAX_NUMBER_FIELDS."""


class TooManyFilesSent(SuspiciousOperation):
    """More files than DATA_UPLOAD_MAX_NUMBER_FILES."""


class RequestDataTooBig(SuspiciousOperation):
    """The request body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE (-> 413)."""


class ValidationError(Exception):
    """An error while validating data."""

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code, params)
        self.message = message
        self.code = code
        self.params = params
        self.messages = list(message) if isinstance(message, list) else [message]

    def __str__(self):
        return repr(self.messages)
