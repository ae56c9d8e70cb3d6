"""Context values shared by the differential tests (plain Python objects
that mean the same to both engines).
"""

import datetime


class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return "Obj"


class SilentError(Exception):
    silent_variable_failure = True


class LoudError(Exception):
    pass


class Callables:
    attr = "plain"

    def method(self):
        return "called"

    def needs_arg(self, x):
        return x

    def alters(self):
        return "ALTERED"

    alters.alters_data = True

    def raises_type_error(self):
        raise TypeError("inner")

    def silent(self):
        raise SilentError

    def loud(self):
        raise LoudError("loud")

    @property
    def prop_attr_error(self):
        raise AttributeError("inside property")

    def __repr__(self):
        return "Callables"


class NoCall:
    do_not_call_in_templates = True
    value = "not-called"

    def __call__(self):
        return "was-called"

    def __str__(self):
        return "NoCall-itself"


class Html:
    def __html__(self):
        return "<i>safe</i>"

    def __str__(self):
        return "<i>str</i>"


class GetItem:
    """Subscriptable: every key maps to a value, but ints fail."""

    def __getitem__(self, key):
        if key == "missing":
            raise KeyError(key)
        return f"item-{key}"

    attr = "attribute"


def make_context():
    return {
        "name": "World",
        "empty": "",
        "zero": 0,
        "none": None,
        "true": True,
        "false": False,
        "num": 42,
        "neg": -7,
        "flt": 3.25,
        "big": 1234567,
        "html": "<b>\"bold\" & 'quoted'</b>",
        "uni": "héllo wörld ☃ 日本",
        "xs": [1, 2, 3],
        "words": ["apple", "banana", "cherry"],
        "pairs": [("a", 1), ("b", 2), ("c", 3)],
        "nested": [[1, 2], [3, 4]],
        "empty_list": [],
        "d": {"key": "value", "items": "shadow", "1": "one-str", "n": {"deep": "x"}},
        "people": [
            Obj(name="Ann", age=30, city="Paris", tags=["a", "b"]),
            Obj(name="Bob", age=25, city="Paris", tags=[]),
            Obj(name="Cy<>", age=35, city="Rome", tags=["c"]),
        ],
        "obj": Obj(a=1, b=Obj(c="deep"), html="<x>", lst=[10, 20, 30]),
        "calls": Callables(),
        "nocall": NoCall(),
        "safe": Html(),
        "gi": GetItem(),
        "gen": (i for i in range(3)),
        "tup": (5, 6, 7),
        "date": datetime.date(2024, 2, 29),
        "dt": datetime.datetime(2024, 2, 29, 13, 5, 9),
        "set1": {1},
        "cls": Obj,
    }
