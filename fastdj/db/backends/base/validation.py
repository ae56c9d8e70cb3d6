"""BaseDatabaseValidation: backend-specific model checks (none yet)."""

__all__ = ["BaseDatabaseValidation"]


class BaseDatabaseValidation:
    """Encapsulate backend-specific validation of fields."""

    def __init__(self, connection):
        self.connection = connection

    def check(self, **kwargs) -> list:
        return []

    def check_field(self, field, **kwargs) -> list:
        return []
