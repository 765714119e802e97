"""Walk a Dash component tree in tests: find by id, collect text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(node: Any) -> Iterator[Any]:
    if node is None or isinstance(node, str | int | float):
        return
    if isinstance(node, list | tuple):
        for child in node:
            yield from walk(child)
        return
    yield node
    yield from walk(getattr(node, "children", None))


def ids_in(node: Any) -> set[str]:
    return {str(c.id) for c in walk(node) if getattr(c, "id", None) is not None}


def find(node: Any, element_id: Any) -> Any:
    for component in walk(node):
        if getattr(component, "id", None) == element_id:
            return component
    raise AssertionError(f"no component with id {element_id!r}")


def text_of(node: Any) -> str:
    parts: list[str] = []

    def collect(item: Any) -> None:
        if isinstance(item, str | int | float):
            parts.append(str(item))
        elif isinstance(item, list | tuple):
            for child in item:
                collect(child)
        elif item is not None:
            collect(getattr(item, "children", None))

    collect(node)
    return " ".join(parts)
