"""Kubeflow's ``filterQuery`` grammar, parsed into store/listing.py's filter tree.

    expr       := or
    or         := and (OR and)*
    and        := unary (AND unary)*
    unary      := NOT unary | '(' expr ')' | comparison
    comparison := property op value | property [NOT] IN '(' value (',' value)* ')'
    property   := name ('.' name)* | `quoted name` ['.' suffix]
    op         := = | != | <> | < | <= | > | >= | LIKE | ILIKE
    value      := 'text' | "text" | number | TRUE | FALSE

Keywords are case-insensitive. A trailing ``.string_value``, ``.int_value``, ``.double_value``
or ``.bool_value`` names a custom property and fixes the value's type. ``<>`` is not-equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from modelgraph.domain.errors import Invalid
from modelgraph.store.listing import And, Filter, Not, Op, Or, Predicate, like_to_regex

MAX_QUERY_LENGTH = 4096
SUFFIXES = ("string_value", "int_value", "double_value", "bool_value")
_OPS = {"=": Op.EQ, "!=": Op.NE, "<>": Op.NE, "<": Op.LT, "<=": Op.LTE, ">": Op.GT, ">=": Op.GTE}
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*")
    | (?P<bq>`[^`]*`)
    | (?P<num>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![A-Za-z_]))
    | (?P<op><>|!=|<=|>=|=|<|>)
    | (?P<punct>[(),.])
    | (?P<word>[A-Za-z_$][A-Za-z0-9_$\-:/@]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "TRUE", "FALSE"}


@dataclass(frozen=True)
class Token:
    kind: str  # str, bq, num, op, punct, word, kw, end
    text: str
    pos: int


@dataclass(frozen=True)
class PropertyRef:
    """A property as written: its name and the typed suffix, if any."""

    name: str
    suffix: str | None
    quoted: bool


# Maps a property reference and a literal to (node property, value); raises Invalid.
Resolver = Callable[[PropertyRef, Any], tuple[str, Any]]


def tokenize(text: str) -> list[Token]:
    """Split a filter into tokens; anything unrecognised is INVALID_ARGUMENT."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise Invalid(f"unexpected character at position {pos}", field="filterQuery")
        kind = match.lastgroup or ""
        value = match.group(kind)
        start = match.start(kind)
        if kind == "word" and value.upper() in _KEYWORDS:
            tokens.append(Token("kw", value.upper(), start))
        else:
            tokens.append(Token(kind, value, start))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _unquote(text: str) -> str:
    quote = text[0]
    body = text[1:-1]
    if quote == "'":
        body = body.replace("''", "'")
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    def __init__(self, text: str, resolve: Resolver) -> None:
        self.tokens = tokenize(text)
        self.i = 0
        self.resolve = resolve
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, what: str) -> Invalid:
        token = self.peek()
        got = "end of query" if token.kind == "end" else repr(token.text)
        return Invalid(f"{what} at position {token.pos}, got {got}", field="filterQuery")

    def expect_punct(self, char: str) -> None:
        token = self.peek()
        if token.kind != "punct" or token.text != char:
            raise self.error(f"expected {char!r}")
        self.take()

    def is_kw(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "kw" and token.text == word

    def parse(self) -> Filter:
        tree = self.or_expr()
        if self.peek().kind != "end":
            raise self.error("expected AND, OR or end of query")
        return tree

    def or_expr(self) -> Filter:
        items = [self.and_expr()]
        while self.is_kw("OR"):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(items)

    def and_expr(self) -> Filter:
        items = [self.unary()]
        while self.is_kw("AND"):
            self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(items)

    def unary(self) -> Filter:
        self.depth += 1
        if self.depth > 32:
            raise Invalid("filter nested too deeply", field="filterQuery")
        try:
            if self.is_kw("NOT"):
                self.take()
                return Not(self.unary())
            token = self.peek()
            if token.kind == "punct" and token.text == "(":
                self.take()
                inner = self.or_expr()
                self.expect_punct(")")
                return inner
            return self.comparison()
        finally:
            self.depth -= 1

    def prop(self) -> PropertyRef:
        token = self.take()
        if token.kind == "bq":
            name, quoted = token.text[1:-1], True
            if not name:
                raise Invalid("empty quoted property name", field="filterQuery")
            parts = [name]
        elif token.kind == "word":
            quoted = False
            parts = [token.text]
        else:
            self.i -= 1
            raise self.error("expected a property name")
        while self.peek().kind == "punct" and self.peek().text == ".":
            self.take()
            part = self.take()
            if part.kind not in ("word", "kw", "bq"):
                self.i -= 1
                raise self.error("expected a name after '.'")
            parts.append(part.text[1:-1] if part.kind == "bq" else part.text)
        suffix = None
        if len(parts) > 1 and parts[-1].lower() in SUFFIXES:
            suffix = parts.pop().lower()
        if quoted and len(parts) > 1:
            raise Invalid("only a typed suffix may follow a quoted name", field="filterQuery")
        return PropertyRef(".".join(parts), suffix, quoted)

    def literal(self) -> Any:
        token = self.take()
        if token.kind == "str":
            return _unquote(token.text)
        if token.kind == "num":
            text = token.text
            if re.fullmatch(r"[-+]?\d+", text):
                return int(text)
            return float(text)
        if token.kind == "kw" and token.text in ("TRUE", "FALSE"):
            return token.text == "TRUE"
        self.i -= 1
        raise self.error("expected a value (quoted string, number, true or false)")

    def comparison(self) -> Filter:
        ref = self.prop()
        negate = False
        if self.is_kw("NOT"):
            self.take()
            negate = True
            if not self.is_kw("IN"):
                raise self.error("expected IN after NOT")
        token = self.peek()
        if token.kind == "kw" and token.text == "IN":
            self.take()
            self.expect_punct("(")
            raw = [self.literal()]
            while self.peek().kind == "punct" and self.peek().text == ",":
                self.take()
                raw.append(self.literal())
            self.expect_punct(")")
            resolved = [self.resolve(ref, value) for value in raw]
            prop = resolved[0][0]
            return Predicate(prop, Op.IN, [value for _, value in resolved], negate)
        if token.kind == "kw" and token.text in ("LIKE", "ILIKE"):
            self.take()
            pattern = self.literal()
            if not isinstance(pattern, str):
                raise Invalid(f"{token.text} needs a quoted pattern", field="filterQuery")
            prop, _ = self.resolve(ref, pattern)
            regex = like_to_regex(pattern, case_insensitive=token.text == "ILIKE")
            return Predicate(prop, Op.MATCHES, regex)
        if token.kind == "op":
            self.take()
            prop, value = self.resolve(ref, self.literal())
            return Predicate(prop, _OPS[token.text], value)
        raise self.error("expected a comparison operator")


def parse_filter(text: str | None, resolve: Resolver) -> Filter | None:
    """The filter tree of a ``filterQuery``; None when empty."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_QUERY_LENGTH:
        raise Invalid(f"filterQuery longer than {MAX_QUERY_LENGTH} characters", field="filterQuery")
    return _Parser(text, resolve).parse()


def coerce_literal(ref: PropertyRef, value: Any) -> Any:
    """Apply a typed suffix to a literal (``x.int_value = '3'`` compares the integer 3)."""
    if ref.suffix is None:
        return value
    where = "filterQuery"
    if ref.suffix == "string_value":
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else str(value)
    if ref.suffix == "int_value":
        if isinstance(value, bool):
            raise Invalid(f"{ref.name}.int_value needs an integer", field=where)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise Invalid(f"{ref.name}.int_value needs an integer", field=where) from None
    if ref.suffix == "double_value":
        if isinstance(value, bool):
            raise Invalid(f"{ref.name}.double_value needs a number", field=where)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise Invalid(f"{ref.name}.double_value needs a number", field=where) from None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise Invalid(f"{ref.name}.bool_value needs true or false", field=where)
