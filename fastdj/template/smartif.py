"""The expression parser of the ``{% if %}`` tag, as
``django.template.smartif``.

A top-down operator-precedence (Pratt) parser. Binding powers, loosest
first: or (6), and (7), not (8), in / not in (9), comparisons and is / is
not (10). An operator whose evaluation raises evaluates to False, as in
Django.
"""

from __future__ import annotations

__all__ = ["OPERATORS", "IfParser", "Literal", "TokenBase"]


class TokenBase:
    """An operator or operand of an if expression."""

    id = None
    value = None
    first = second = None
    lbp = 0

    def nud(self, parser):
        raise parser.error_class(
            f"Not expecting '{self.id}' in this position in if tag."
        )

    def led(self, left, parser):
        raise parser.error_class(
            f"Not expecting '{self.id}' as infix operator in if tag."
        )

    def display(self):
        """Return what error messages call this token."""
        return self.id

    def __repr__(self):
        out = [str(x) for x in [self.id, self.first, self.second] if x is not None]
        return "(" + " ".join(out) + ")"


def infix(bp, func):
    """Return an operator class taking a left and a right operand."""

    class Operator(TokenBase):
        lbp = bp

        def led(self, left, parser):
            self.first = left
            self.second = parser.expression(bp)
            return self

        def eval(self, context):
            try:
                return func(context, self.first, self.second)
            except Exception:
                # Comparing incomparable values is false, not an error.
                return False

    return Operator


def prefix(bp, func):
    """Return an operator class taking one operand on its right."""

    class Operator(TokenBase):
        lbp = bp

        def nud(self, parser):
            self.first = parser.expression(bp)
            self.second = None
            return self

        def eval(self, context):
            try:
                return func(context, self.first)
            except Exception:
                return False

    return Operator


OPERATORS = {
    "or": infix(6, lambda c, x, y: x.eval(c) or y.eval(c)),
    "and": infix(7, lambda c, x, y: x.eval(c) and y.eval(c)),
    "not": prefix(8, lambda c, x: not x.eval(c)),
    "in": infix(9, lambda c, x, y: x.eval(c) in y.eval(c)),
    "not in": infix(9, lambda c, x, y: x.eval(c) not in y.eval(c)),
    "is": infix(10, lambda c, x, y: x.eval(c) is y.eval(c)),
    "is not": infix(10, lambda c, x, y: x.eval(c) is not y.eval(c)),
    "==": infix(10, lambda c, x, y: x.eval(c) == y.eval(c)),
    "!=": infix(10, lambda c, x, y: x.eval(c) != y.eval(c)),
    ">": infix(10, lambda c, x, y: x.eval(c) > y.eval(c)),
    ">=": infix(10, lambda c, x, y: x.eval(c) >= y.eval(c)),
    "<": infix(10, lambda c, x, y: x.eval(c) < y.eval(c)),
    "<=": infix(10, lambda c, x, y: x.eval(c) <= y.eval(c)),
}

for _key, _op in OPERATORS.items():
    _op.id = _key


class Literal(TokenBase):
    """An operand; the template version resolves a FilterExpression."""

    id = "literal"
    lbp = 0

    def __init__(self, value):
        self.value = value

    def display(self):
        return repr(self.value)

    def nud(self, parser):
        return self

    def eval(self, context):
        return self.value

    def __repr__(self):
        return f"({self.id} {self.value!r})"


class _EndToken(TokenBase):
    lbp = 0

    def nud(self, parser):
        raise parser.error_class("Unexpected end of expression in if tag.")


EndToken = _EndToken()


class IfParser:
    """Parse a list of words into an expression tree with eval(context)."""

    error_class = ValueError

    def __init__(self, tokens):
        mapped_tokens = []
        i = 0
        num_tokens = len(tokens)
        while i < num_tokens:
            token = tokens[i]
            # Two-word operators arrive as two words.
            if token == "is" and i + 1 < num_tokens and tokens[i + 1] == "not":
                token = "is not"
                i += 1
            elif token == "not" and i + 1 < num_tokens and tokens[i + 1] == "in":
                token = "not in"
                i += 1
            mapped_tokens.append(self.translate_token(token))
            i += 1
        self.tokens = mapped_tokens
        self.pos = 0
        self.current_token = self.next_token()

    def translate_token(self, token):
        try:
            op = OPERATORS[token]
        except (KeyError, TypeError):
            return self.create_var(token)
        return op()

    def next_token(self):
        if self.pos >= len(self.tokens):
            return EndToken
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self):
        """Return the expression tree; raise error_class on bad syntax."""
        retval = self.expression()
        if self.current_token is not EndToken:
            raise self.error_class(
                f"Unused '{self.current_token.display()}' at end of if expression."
            )
        return retval

    def expression(self, rbp=0):
        t = self.current_token
        self.current_token = self.next_token()
        left = t.nud(self)
        while rbp < self.current_token.lbp:
            t = self.current_token
            self.current_token = self.next_token()
            left = t.led(left, self)
        return left

    def create_var(self, value):
        return Literal(value)
