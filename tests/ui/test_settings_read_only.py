"""The Settings page as a viewer sees it: the same values, nothing to change or send."""

from __future__ import annotations

from tests.ui.test_pages import META, SETTINGS_RAW
from tests.ui.tree import find, ids_in, text_of, walk
from ui import ids
from ui.pages import settings as settings_page
from ui.pages.settings_read_only import HIDDEN, read_only

ACTIONS = [ids.SETTINGS_TEST_BUTTON, ids.SETTINGS_LOAD_BUTTON, ids.SETTINGS_VALIDATE_BUTTON,
           ids.SETTINGS_SAVE_BUTTON, ids.SETTINGS_TEST_RESULT, ids.SETTINGS_LOAD_RESULT,
           ids.SETTINGS_VALIDATE_RESULT]


def _page():
    return settings_page.layout(SETTINGS_RAW, token_saved=True, meta=META, demo=False)


def test_every_input_is_disabled_and_every_action_gone():
    admin_ids = ids_in(_page())
    page = read_only(_page(), "bob")
    assert set(ACTIONS) <= admin_ids
    assert set(ACTIONS) == HIDDEN
    assert not set(ACTIONS) & ids_in(page)
    for component_id in ids.SETTINGS_INPUTS.values():
        control = find(page, component_id)
        options = getattr(control, "options", None)
        if "disabled" in control._prop_names:
            assert control.disabled is True, component_id
        else:  # radio items: option by option
            assert options, component_id
            assert all(o["disabled"] for o in options), component_id
    assert ids_in(page) == (admin_ids - set(ACTIONS)) | {ids.SETTINGS_READ_ONLY_NOTE}


def test_the_viewer_is_told_why_and_sees_the_same_values():
    page = read_only(_page(), "bob")
    note = text_of(find(page, ids.SETTINGS_READ_ONLY_NOTE))
    assert note == ("You are signed in as bob, a viewer: only an admin can change these "
                    "settings, so they are shown read-only.")
    admin = {c.id: getattr(c, "value", None) for c in walk(_page())
             if getattr(c, "id", None) in ids.SETTINGS_INPUTS.values()}
    viewer = {c.id: getattr(c, "value", None) for c in walk(page)
              if getattr(c, "id", None) in ids.SETTINGS_INPUTS.values()}
    assert viewer == admin
    assert "You are a viewer" in text_of(read_only(_page(), None))
