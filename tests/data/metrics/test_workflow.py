"""The resolved workflow: settings lists, JIRA category fallback, state of a status."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from configuration.settings import WorkflowSettings
from data.metrics.workflow import (
    ACTIVE,
    DONE,
    NOT_STARTED,
    WAITING,
    Workflow,
    resolve_workflow,
)

STATUSES = pd.DataFrame({
    "name": ["To Do", "In Progress", "Review", "Done", "In Progress", "Closed", "Odd"],
    "category": ["new", "indeterminate", "indeterminate", "done", "indeterminate", "done",
                 "custom"],
})
OVERLAPPING = Workflow(active=("Shipped", "Doing", "Blocked"),
                       waiting=("Shipped", "Blocked", "On Hold"), done=("shipped",))


@pytest.mark.parametrize(("status", "state", "rule"), [
    ("Shipped", DONE, "done wins over active and waiting when lists overlap"),
    ("SHIPPED", DONE, "names match case-insensitively"),
    ("Blocked", ACTIVE, "active wins over waiting when lists overlap"),
    ("doing", ACTIVE, "names match case-insensitively"),
    ("on hold", WAITING, "a status only the waiting list names is waiting"),
    ("Backlog", NOT_STARTED, "a status no list names is not started"),
])
def test_state_of(status, state, rule):
    assert OVERLAPPING.state_of(status) == state, rule


def test_states_of_maps_every_name_like_state_of():
    """Rule: the vectorized form gives the same state as ``state_of`` for each name."""
    names = ["Doing", "Backlog", "shipped", "Doing", "Blocked"]
    states = OVERLAPPING.states_of(pd.Series(names))
    assert states.tolist() == [ACTIVE, NOT_STARTED, DONE, ACTIVE, ACTIVE]
    assert states.dtype == np.int8


def test_a_missing_status_name_is_not_started():
    """Rule: a missing name (None/NaN) is its own value, not started; it never takes the
    state of another name (pandas' NA sentinel -1 would index the last name's state)."""
    states = OVERLAPPING.states_of(pd.Series(["Doing", None, "shipped"]))
    assert states.tolist() == [ACTIVE, NOT_STARTED, DONE]


def test_states_of_no_names_is_an_empty_int8_array():
    states = OVERLAPPING.states_of([])
    assert (states.shape, states.dtype) == ((0,), np.int8)


def test_in_progress_is_active_then_waiting():
    workflow = Workflow(active=("A", "B"), waiting=("W",), done=("D",))
    assert workflow.in_progress == ("A", "B", "W")


@pytest.mark.parametrize(("settings", "expected", "rule"), [
    (WorkflowSettings(),
     Workflow(active=("In Progress", "Review"), waiting=(), done=("Done", "Closed")),
     "unset lists fall back to JIRA categories, each name once, in table order; no status "
     "is waiting by category"),
    (WorkflowSettings(active_statuses=("Build",), waiting_statuses=("Hold",),
                      done_statuses=("Live", "Done")),
     Workflow(active=("Build",), waiting=("Hold",), done=("Live", "Done")),
     "configured lists win, in settings order"),
    (WorkflowSettings(active_statuses=(), done_statuses=()),
     Workflow(active=(), waiting=(), done=()),
     "an explicit empty list stays empty: it does not fall back to the categories"),
])
def test_resolve_workflow(settings, expected, rule):
    assert resolve_workflow(settings, STATUSES) == expected, rule
