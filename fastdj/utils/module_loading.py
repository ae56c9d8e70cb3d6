"""Import objects by dotted path."""

from importlib import import_module


def import_string(dotted_path: str):
    """Import a dotted module path and return the attribute or class it names.

    Raise ImportError if the path is malformed or names nothing.
    """
    try:
        module_path, class_name = dotted_path.rsplit(".", 1)
    except (ValueError, AttributeError) as err:
        raise ImportError(f"{dotted_path!r} doesn't look like a module path") from err
    module = import_module(module_path)
    try:
        return getattr(module, class_name)
    except AttributeError as err:
        raise ImportError(
            f'Module "{module_path}" does not define a "{class_name}" attribute/class'
        ) from err
