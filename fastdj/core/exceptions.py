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


class RequestAborted(Exception):
    """The request was closed before it was complete, or timed out."""


class FieldDoesNotExist(Exception):
    """The requested model field does not exist."""


class AppRegistryNotReady(Exception):
    """The django.apps registry is not populated yet."""


class EmptyResultSet(Exception):
    """A WHERE clause that can never match: the query returns no rows."""


class FullResultSet(Exception):
    """A WHERE clause that always matches: it can be dropped."""


NON_FIELD_ERRORS = "__all__"


class ValidationError(Exception):
    """An error while validating data.

    ``message`` may be a string, a list of messages or ValidationErrors, or a
    dict mapping field names to such lists (``error_dict``), as in Django.
    """

    def __init__(self, message, code=None, params=None):
        super().__init__(message, code, params)
        if isinstance(message, ValidationError):
            if hasattr(message, "error_dict"):
                message = message.error_dict
            elif not hasattr(message, "message"):
                message = message.error_list
            else:
                message, code, params = message.message, message.code, message.params
        if isinstance(message, dict):
            self.error_dict = {}
            for field, messages in message.items():
                if not isinstance(messages, ValidationError):
                    messages = ValidationError(messages)
                self.error_dict[field] = messages.error_list
        elif isinstance(message, list):
            self.error_list = []
            for item in message:
                if not isinstance(item, ValidationError):
                    item = ValidationError(item)
                if hasattr(item, "error_dict"):
                    self.error_list.extend(sum(item.error_dict.values(), []))
                else:
                    self.error_list.extend(item.error_list)
        else:
            self.message = message
            self.code = code
            self.params = params
            self.error_list = [self]

    @property
    def message_dict(self) -> dict:
        """Return {field: [messages]} (only for a dict-shaped error)."""
        self.error_dict  # noqa: B018 - AttributeError for a list-shaped error
        return dict(self)

    @property
    def messages(self) -> list:
        """Return the flat list of messages, params interpolated."""
        if hasattr(self, "error_dict"):
            return sum(dict(self).values(), [])
        return list(self)

    def update_error_dict(self, error_dict: dict) -> dict:
        """Merge this error's messages into ``error_dict`` and return it."""
        if hasattr(self, "error_dict"):
            for field, error_list in self.error_dict.items():
                error_dict.setdefault(field, []).extend(error_list)
        else:
            error_dict.setdefault(NON_FIELD_ERRORS, []).extend(self.error_list)
        return error_dict

    def __iter__(self):
        if hasattr(self, "error_dict"):
            for field, errors in self.error_dict.items():
                yield field, list(ValidationError(errors))
        else:
            for error in self.error_list:
                message = error.message
                if error.params:
                    message %= error.params
                yield str(message)

    def __str__(self):
        if hasattr(self, "error_dict"):
            return repr(dict(self))
        return repr(list(self))

    def __repr__(self):
        return f"ValidationError({self})"
