"""The footer keeps saving, undoing and the tab keys first, and at 80 columns they all fit."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.tui.conftest import app_for, settle

ESSENTIAL = ("ctrl+s", "ctrl+z", "f2", "f3", "f4", "f5", "f6", "f7")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_save_undo_and_every_tab_key_are_visible(sample_copy, size) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("ops-agent"))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        keys = list(app.screen.query(FooterKey))
        order = [k.key for k in keys]
        assert order[:len(ESSENTIAL)] == list(ESSENTIAL)
        width = size[0]
        for key in keys[:len(ESSENTIAL)]:
            assert key.region.right <= width, (key.key, key.region)
        # The focused tree's own keys follow; narrow terminals cut those first.
        assert order.index("n") > order.index("f7")
