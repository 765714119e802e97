"""A small JQL parser: tokenizer and recursive descent, producing a syntax tree.

Hand-written because no well-kept JQL library exists for Python (the JIRA client
libraries send JQL to the server as text; only Atlassian's Java parser implements
the grammar). The simulator needs just the subset the dashboard and its tests use:

    query    := [or_expr] [ORDER BY sort ("," sort)*]
    or_expr  := and_expr (OR and_expr)*
    and_expr := not_expr (AND not_expr)*
    not_expr := NOT not_expr | "(" or_expr ")" | clause
    clause   := field op value
              | field [NOT] IN "(" value ("," value)* ")"
              | field (IS [NOT] | "=" | "!=") (EMPTY | NULL)
    sort     := field [ASC | DESC]

Terms: a *value* is a bare word (``DEMO``, ``2025-01-01``, ``-5d``) or a quoted
string (``"In Progress"``, ``'x'``); keywords are case-insensitive. Syntax errors
raise :class:`JqlError` worded the way JIRA words them, with a 1-based line and
character. Which fields and values exist is checked later, by :mod:`.jql_eval`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

KEYWORDS = frozenset(
    {"AND", "OR", "NOT", "IN", "IS", "EMPTY", "NULL", "ORDER", "BY", "ASC", "DESC"}
)
COMPARISONS = ("!=", ">=", "<=", "=", ">", "<", "~", "!~")
T = TypeVar("T")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<open_string>["'].*)
      | (?P<op>!=|>=|<=|!~|=|>|<|~)
      | (?P<punct>[(),])
      | (?P<word>[^\s=!<>~(),"']+)""",
    re.VERBOSE | re.DOTALL,
)


class JqlError(ValueError):
    """JIRA rejected the query. ``messages`` are JIRA's ``errorMessages``."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "string", "op", "punct" or "end"
    text: str  # for strings: the unquoted, unescaped content
    pos: int  # offset in the query text

    def keyword(self) -> str | None:
        """The upper-cased keyword this bare word spells, if any."""
        upper = self.text.upper()
        return upper if self.kind == "word" and upper in KEYWORDS else None


@dataclass(frozen=True)
class Value:
    text: str
    pos: int


@dataclass(frozen=True)
class Clause:
    field: str
    pos: int
    op: str  # one of COMPARISONS, "in", "not in", "is", "is not"
    values: tuple[Value, ...]


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" or "or"
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Clause | BoolOp | Not


@dataclass(frozen=True)
class SortKey:
    field: str
    pos: int
    descending: bool


@dataclass(frozen=True)
class Query:
    where: Node | None
    order_by: tuple[SortKey, ...]


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "space"
        raw = match.group()
        if kind == "open_string":
            raise JqlError(_syntax(f"The quoted string '{raw[1:]}' has not been completed.",
                                   text, match.start()))
        if kind == "string":
            tokens.append(Token("string", re.sub(r"\\(.)", r"\1", raw[1:-1]), match.start()))
        elif kind != "space":
            tokens.append(Token(kind, raw, match.start()))
    tokens.append(Token("end", "", len(text)))
    return tokens


def parse(text: str) -> Query:
    """Parse a JQL query; raises :class:`JqlError` with JIRA's wording on bad syntax."""
    return _Parser(text).query()


def _syntax(problem: str, text: str, pos: int | None) -> str:
    if pos is None:
        return f"Error in the JQL Query: {problem}"
    line = text.count("\n", 0, pos) + 1
    character = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"Error in the JQL Query: {problem} (line {line}, character {character})"


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def fail(self, expecting: str) -> JqlError:
        token = self.current
        if token.kind == "end":
            return JqlError(_syntax(f"Expecting {expecting} before the end of the query.",
                                    self.text, None))
        return JqlError(_syntax(f"Expecting {expecting} but got '{token.text}'.",
                                self.text, token.pos))

    def at_keyword(self, *words: str) -> bool:
        return self.current.keyword() in words

    def at_punct(self, char: str) -> bool:
        return self.current.kind == "punct" and self.current.text == char

    def expect_punct(self, char: str) -> None:
        if not self.at_punct(char):
            raise self.fail(f"'{char}'")
        self.advance()

    def comma_list(self, item: Callable[[], T]) -> tuple[T, ...]:
        """``item (, item)*``."""
        items = [item()]
        while self.at_punct(","):
            self.advance()
            items.append(item())
        return tuple(items)

    def query(self) -> Query:
        where = None if self.at_keyword("ORDER") or self.current.kind == "end" else self.or_expr()
        order_by: tuple[SortKey, ...] = ()
        if self.at_keyword("ORDER"):
            order_by = self.order_by()
        if self.current.kind != "end":
            raise self.fail("either 'OR' or 'AND'")
        return Query(where, order_by)

    def or_expr(self) -> Node:
        return self.chain("OR", self.and_expr)

    def and_expr(self) -> Node:
        return self.chain("AND", self.not_expr)

    def chain(self, keyword: str, operand: Callable[[], Node]) -> Node:
        """``operand (keyword operand)*``: one operand alone, else a ``BoolOp`` of them."""
        parts = [operand()]
        while self.at_keyword(keyword):
            self.advance()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else BoolOp(keyword.lower(), tuple(parts))

    def not_expr(self) -> Node:
        if self.at_keyword("NOT"):
            self.advance()
            return Not(self.not_expr())
        if self.at_punct("("):
            self.advance()
            inner = self.or_expr()
            self.expect_punct(")")
            return inner
        return self.clause()

    def clause(self) -> Clause:
        token = self.current
        if token.kind not in ("word", "string") or token.keyword():
            raise self.fail("a field name")
        self.advance()
        op = self.operator()
        if op in ("in", "not in"):
            return Clause(token.text, token.pos, op, self.value_list())
        if op in ("=", "!=") and self.at_keyword("EMPTY", "NULL"):
            self.advance()  # "= EMPTY" is JQL's other spelling of "IS EMPTY"
            return Clause(token.text, token.pos, "is" if op == "=" else "is not", ())
        if op in ("is", "is not"):
            if not self.at_keyword("EMPTY", "NULL"):
                raise self.fail("'EMPTY'")
            self.advance()
            return Clause(token.text, token.pos, op, ())
        return Clause(token.text, token.pos, op, (self.value(),))

    def operator(self) -> str:
        token = self.current
        if token.kind == "op":
            self.advance()
            return token.text
        if self.at_keyword("IN"):
            self.advance()
            return "in"
        if self.at_keyword("NOT"):
            self.advance()
            if not self.at_keyword("IN"):
                raise self.fail("'IN'")
            self.advance()
            return "not in"
        if self.at_keyword("IS"):
            self.advance()
            if self.at_keyword("NOT"):
                self.advance()
                return "is not"
            return "is"
        raise self.fail("operator")

    def value(self) -> Value:
        token = self.current
        if token.kind == "string" or (token.kind == "word" and not token.keyword()):
            self.advance()
            return Value(token.text, token.pos)
        raise self.fail("either a value, list or function")

    def value_list(self) -> tuple[Value, ...]:
        self.expect_punct("(")
        values = self.comma_list(self.value)
        self.expect_punct(")")
        return values

    def order_by(self) -> tuple[SortKey, ...]:
        self.advance()  # ORDER
        if not self.at_keyword("BY"):
            raise self.fail("'BY'")
        self.advance()
        return self.comma_list(self.sort_key)

    def sort_key(self) -> SortKey:
        token = self.current
        if token.kind not in ("word", "string") or token.keyword():
            raise self.fail("a field name")
        self.advance()
        descending = False
        if self.at_keyword("ASC", "DESC"):
            descending = self.advance().keyword() == "DESC"
        return SortKey(token.text, token.pos, descending)
