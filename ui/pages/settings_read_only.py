"""The Settings page as a viewer sees it: every value shown, nothing changeable.

Built from the admin's page (:func:`ui.pages.settings.layout`) rather than beside
it, so the two can never show different fields: every input is disabled, the
buttons that send the token to JIRA or save (Test connection, reload from JIRA,
Validate, Save) and the areas showing their outcome are left out, and a line at the
top says why. Without those buttons
in the page, their callbacks never fire; the server refuses them for viewers anyway
(:mod:`callbacks.access`).
"""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from ui import ids

# The action buttons and the areas that only show their outcome. Dash reports an
# error when a callback finds some of its inputs on the page and not others (the
# reload from JIRA also follows the Test connection result), so both go.
HIDDEN = ids.SETTINGS_ADMIN_BUTTONS | {ids.SETTINGS_TEST_RESULT, ids.SETTINGS_VALIDATE_RESULT,
                                       ids.SETTINGS_LOAD_RESULT}
INPUTS = frozenset(ids.SETTINGS_INPUTS.values())


def viewer_note(user: str | None) -> str:
    who = f"You are signed in as {user}, a viewer" if user else "You are a viewer"
    return f"{who}: only an admin can change these settings, so they are shown read-only."


def read_only(page: Component, user: str | None) -> Component:
    """``page`` with every settings input disabled and the action buttons removed."""
    _disable(page)
    note = html.Div(viewer_note(user), id=ids.SETTINGS_READ_ONLY_NOTE,
                    className="alert alert-secondary py-2 mb-3")
    page.children = [note, *_as_list(page.children)]
    return page


def _disable(component: Component) -> None:
    children = getattr(component, "children", None)
    kept = [child for child in _as_list(children) if _id(child) not in HIDDEN]
    for child in kept:
        if isinstance(child, Component):
            _disable(child)
    if isinstance(children, list | tuple) or len(kept) != len(_as_list(children)):
        component.children = kept
    if _id(component) in INPUTS:
        _disable_input(component)


def _disable_input(component: Component) -> None:
    if "disabled" in component._prop_names:
        component.disabled = True
    options = getattr(component, "options", None)
    if "disabled" not in component._prop_names and isinstance(options, list):
        # Radio items disable option by option.
        component.options = [{**option, "disabled": True} for option in options]


def _id(component: object) -> str | None:
    value = getattr(component, "id", None)
    return value if isinstance(value, str) else None  # pattern ids are dicts


def _as_list(children: object) -> list:
    if children is None:
        return []
    return list(children) if isinstance(children, list | tuple) else [children]
