"""Every Dash component id of the dashboard, in one place.

Layout builders (``ui/``) and callbacks (``callbacks/``) import these constants so
both sides share one spelling. Ids carry the prefix of the page they live on
(``app-`` for the shell, ``header-``, ``dora-``, ``flow-``, ``forecast-``,
``settings-``). Settings inputs are keyed by their dotted settings key
(``jira.url``) through :data:`SETTINGS_INPUTS`; their inline error texts use the
pattern-matching id :func:`settings_feedback`.
"""

from __future__ import annotations

# --- shell ---------------------------------------------------------------
URL = "app-url"
PAGE_CONTENT = "app-page-content"
DATA_VERSION = "app-data-version"  # Store: bumped after every sync or applied save
AUTO_SYNC = "app-auto-sync"  # Store: set on page load when the cache needs a first fetch
SAVED_SYNC = "app-saved-sync"  # Store: set when saved settings need a fetch
PERIOD_STORE = "app-period"  # Store: {"period_days": int, "end": "YYYY-MM-DD" | None}
NAV_DORA = "header-nav-dora"
NAV_FLOW = "header-nav-flow"
NAV_FORECAST = "header-nav-forecast"
NAV_SETTINGS = "header-nav-settings"
NAV_COMPARE = "header-nav-compare"
DEMO_BADGE = "header-demo-badge"
NAV_TOGGLER = "header-nav-toggler"  # the menu button on narrow screens
NAV_COLLAPSE = "header-nav-collapse"
PERIOD_SELECT = "header-period-select"
PERIOD_RANGE = "header-period-range"
PERIOD_RANGE_WRAP = "header-period-range-wrap"
SYNC_LABEL = "header-sync-label"
REFRESH_BUTTON = "header-refresh-button"
FULL_REFRESH_BUTTON = "header-full-refresh-button"
CANCEL_BUTTON = "header-cancel-button"
FETCH_PROGRESS = "header-fetch-progress"
FETCH_PROGRESS_WRAP = "header-fetch-progress-wrap"
FETCH_PROGRESS_LABEL = "header-fetch-progress-label"
FETCH_RESULT = "header-fetch-result"  # Store: the outcome of the last fetch
PAGE_LOAD_ID = "app-page-load-id"  # Store: a uuid per page load, so each tab's job is its own
FETCH_RUNNING = "app-fetch-running"  # Store: True while this tab's fetch job runs
FETCH_WATCH = "app-fetch-watch"  # Interval: team mode, checks a fetch that ended silently
FETCH_WATCH_STATE = "app-fetch-watch-state"  # Store: {"started": iso} or {"cancelled": True}
FETCH_ALERT = "header-fetch-alert"  # the last fetch's outcome; emptied when one starts
SETTINGS_PROBLEM = "header-settings-problem"  # why the settings file was not used
STALE_NOTE = "header-stale-note"
NO_ISSUES = "app-no-issues"  # the page of a period before the first issue

# --- DORA page -------------------------------------------------------------
DORA_CARDS = "dora-cards"
DORA_DEPLOYMENT_FREQUENCY_TREND = "dora-deployment-frequency-trend"
DORA_LEAD_TIME_TREND = "dora-lead-time-trend"
DORA_CHANGE_FAILURE_TREND = "dora-change-failure-trend"
DORA_RESTORE_TREND = "dora-restore-trend"
DORA_DEPLOYMENTS_TIMELINE = "dora-deployments-timeline"
DORA_LEAD_TIME_DISTRIBUTION = "dora-lead-time-distribution"
DORA_RESTORE_DISTRIBUTION = "dora-restore-distribution"
DORA_DOWNLOAD_BUTTON = "dora-download-button"
DORA_DOWNLOAD = "dora-download"

# --- Flow page -------------------------------------------------------------
FLOW_CARDS = "flow-cards"
FLOW_VELOCITY_CHART = "flow-velocity-chart"
FLOW_TIME_SCATTER = "flow-time-scatter"
FLOW_EFFICIENCY_TREND = "flow-efficiency-trend"
FLOW_WIP_TREND = "flow-wip-trend"
FLOW_AGING_WIP = "flow-aging-wip"
FLOW_DISTRIBUTION_DONUT = "flow-distribution-donut"
FLOW_CUMULATIVE_FLOW = "flow-cumulative-flow"
FLOW_DOWNLOAD_BUTTON = "flow-download-button"
FLOW_DOWNLOAD = "flow-download"

# --- Forecast page ---------------------------------------------------------
FORECAST_ITEMS_INPUT = "forecast-items-input"
FORECAST_DAYS_INPUT = "forecast-days-input"
FORECAST_SENTENCES = "forecast-sentences"
FORECAST_HOW_MANY_CHART = "forecast-how-many-chart"
FORECAST_WHEN_CHART = "forecast-when-chart"
FORECAST_RESULTS = "forecast-results"
FORECAST_DOWNLOAD_BUTTON = "forecast-download-button"
FORECAST_DOWNLOAD = "forecast-download"
FORECAST_SCOPE_INIT = "forecast-scope-init"  # Store: rendered with the page, fills the picker
FORECAST_SCOPE_URL = "forecast-scope-url"  # Location on the page: reads the URL's changes
FORECAST_SCOPE = "forecast-scope"  # multi dropdown: the scope's clauses (all must hold)
FORECAST_SCOPE_CLAUSE = "forecast-scope-clause"  # free clause input
FORECAST_SCOPE_ADD = "forecast-scope-add"
FORECAST_SCOPE_MESSAGE = "forecast-scope-message"
FORECAST_SCOPE_UNIT = "forecast-scope-unit"  # items / points
FORECAST_SCOPE_RESULTS = "forecast-scope-results"
FORECAST_SCOPE_SENTENCES = "forecast-scope-sentences"
FORECAST_BURNUP_CHART = "forecast-burnup-chart"
FORECAST_REMAINING_BUTTON = "forecast-remaining-button"  # opens the drill-down panel

# --- Settings page ---------------------------------------------------------
SETTINGS_TEST_BUTTON = "settings-test-connection-button"
SETTINGS_TEST_RESULT = "settings-test-connection-result"
SETTINGS_VALIDATE_BUTTON = "settings-validate-jql-button"
SETTINGS_VALIDATE_RESULT = "settings-validate-jql-result"
SETTINGS_LOAD_BUTTON = "settings-load-from-jira-button"
SETTINGS_LOAD_RESULT = "settings-load-from-jira-result"
SETTINGS_SAVE_BUTTON = "settings-save-button"
SETTINGS_SAVE_RESULT = "settings-save-result"
SETTINGS_TOKEN_STATUS = "settings-token-status"
SETTINGS_DEMO_INTRO = "settings-demo-intro"  # "You are looking at demo data…"
SETTINGS_EMAIL_ROW = "settings-email-row"  # hidden for a Personal Access Token
SETTINGS_READ_ONLY_NOTE = "settings-read-only-note"  # why a viewer cannot change them
# The buttons that send the token to JIRA or save: admins only (docs/security.md).
SETTINGS_ADMIN_BUTTONS = frozenset({SETTINGS_TEST_BUTTON, SETTINGS_VALIDATE_BUTTON,
                                    SETTINGS_LOAD_BUTTON, SETTINGS_SAVE_BUTTON})
SETTINGS_JIRA_META = "settings-jira-meta"  # Store: JIRA's fields / statuses / issue types
SETTINGS_MAPPINGS_FROM = "settings-mappings-from"  # Store: "demo", "defaults" or "saved"

# Dotted settings key -> input id. Order is the form's order.
SETTINGS_INPUTS: dict[str, str] = {
    "jira.url": "settings-jira-url",
    "jira.flavor": "settings-jira-flavor",
    "jira.auth": "settings-jira-auth",
    "jira.email": "settings-jira-email",
    "jira.token": "settings-jira-token",
    "jira.jql": "settings-jira-jql",
    "workflow.active_statuses": "settings-workflow-active",
    "workflow.waiting_statuses": "settings-workflow-waiting",
    "workflow.done_statuses": "settings-workflow-done",
    "flow_types.feature": "settings-flow-types-feature",
    "flow_types.defect": "settings-flow-types-defect",
    "flow_types.risk": "settings-flow-types-risk",
    "flow_types.debt": "settings-flow-types-debt",
    "dora.deployments.source": "settings-deployments-source",
    "dora.deployments.issue_types": "settings-deployments-issue-types",
    "dora.deployments.date_field": "settings-deployments-date-field",
    "dora.deployments.environment_field": "settings-deployments-environment-field",
    "dora.deployments.production_values": "settings-deployments-production-values",
    "dora.deployments.failure_field": "settings-deployments-failure-field",
    "dora.deployments.failure_values": "settings-deployments-failure-values",
    "dora.incidents.issue_types": "settings-incidents-issue-types",
    "dora.incidents.environment_field": "settings-incidents-environment-field",
    "dora.incidents.production_values": "settings-incidents-production-values",
    "dora.incidents.start_field": "settings-incidents-start-field",
    "dora.incidents.end_field": "settings-incidents-end-field",
    "dora.change_start_field": "settings-change-start-field",
    "forecast.points_field": "settings-forecast-points-field",
    "period_days": "settings-period-days",
    "filter_fields": "settings-filter-fields",
}

SETTINGS_FEEDBACK_TYPE = "settings-feedback"


def settings_feedback(key: str) -> dict[str, str]:
    """The pattern-matching id of the inline error text under the input for ``key``."""
    return {"type": SETTINGS_FEEDBACK_TYPE, "key": key}

# --- Segments: filter bar, drill-down panel (METRICS.md section 8) -----------
PROFILE_STORE = "app-profile"  # Store: the profile shown, None for "default"
PROFILE_SELECT = "header-profile-select"  # the profile switcher
PROFILE_WRAP = "header-profile-wrap"  # hidden while the settings hold no profiles
FILTER_STORE = "app-filter"  # Store: the active filter, a list of clause texts
FILTER_FIELD = "header-filter-field"
FILTER_OP = "header-filter-op"
FILTER_VALUES = "header-filter-values"
FILTER_ADD = "header-filter-add"
FILTER_ACTIVE = "header-filter-active"  # the active clauses as removable chips
FILTER_ERROR = "header-filter-error"
DRILL_TYPE = "drill-source"  # pattern-matching ids {"type": DRILL_TYPE, "metric": ...}
DRILL_REQUEST = "drill-request"  # Store: what was clicked ({"metric", "week_end", "key"})
DRILL_PANEL = "drill-panel"
DRILL_TITLE = "drill-title"
DRILL_COUNT = "drill-count"
DRILL_TABLE = "drill-table"
DRILL_HISTORY = "drill-history"
DRILL_DOWNLOAD_BUTTON = "drill-download-button"
DRILL_DOWNLOAD = "drill-download"


def drill_source(metric: str) -> dict[str, str]:
    """The pattern-matching id of a clickable headline card."""
    return {"type": DRILL_TYPE, "metric": metric}

# --- Compare page (METRICS.md section 8) ----------------------------------------------
COMPARE_PICK = "compare-pick"  # multi-select of profiles and segments (tokens)
COMPARE_SEGMENT = "compare-segment"  # clauses typed for a segment of the current profile
COMPARE_SEGMENT_ADD = "compare-segment-add"
COMPARE_MESSAGE = "compare-message"
COMPARE_RESULTS = "compare-results"
COMPARE_TABLE = "compare-table"
COMPARE_CELL = "compare-cell"  # pattern id type: {"type", "column", "metric"}
COMPARE_COLUMNS = "compare-columns"  # Store: the tokens of the columns shown
COMPARE_TRENDS = "compare-trends"

# --- Settings: the profile editor (METRICS.md section 8) -------------------------------
PROFILE_EDIT_CARD = "settings-profiles"
PROFILE_EDIT_PICK = "settings-profile-pick"
PROFILE_EDIT_NAME = "settings-profile-name"
PROFILE_EDIT_NEW = "settings-profile-new"
PROFILE_EDIT_COPY = "settings-profile-copy"
PROFILE_EDIT_RENAME = "settings-profile-rename"
PROFILE_EDIT_DELETE = "settings-profile-delete"
PROFILE_EDIT_SAVE = "settings-profile-save"
PROFILE_EDIT_RESULT = "settings-profile-result"
PROFILE_EDIT_PROBLEMS = "settings-profile-problems"
# editor field -> input id (configuration.profile_edits.FIELDS)
PROFILE_EDIT_FIELDS = {field: f"settings-profile-{field}" for field in (
    "jql", "active", "waiting", "done", "period", "filter", "other")}
PROFILE_EDIT_BUTTONS = frozenset({PROFILE_EDIT_NEW, PROFILE_EDIT_COPY, PROFILE_EDIT_RENAME,
                                  PROFILE_EDIT_DELETE, PROFILE_EDIT_SAVE})
# Every button whose callback sends the token or writes the settings: the form's and the
# profile editor's. Admin-only (callbacks.access refuses a viewer's call).
ADMIN_BUTTONS = SETTINGS_ADMIN_BUTTONS | PROFILE_EDIT_BUTTONS
