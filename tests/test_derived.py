"""A rename takes along what was derived from the old id or name, and only that."""

from __future__ import annotations

import pytest
import yaml

from scoping_tui.editing.derived import RenameSource, derived_changes, rename_with
from scoping_tui.editing.edit import EditableModel, EditError, comment_lines, reword_comments

MODEL = """\
version: 1
system:
  name: Shop
  description: Customers use Web, not the Webhook relay; `web` is public, web-cache is not.
components:
  # Web is the public front end; web-cache sits behind it.
  - id: web
    name: Web
    type: client-app
  - id: web-cache   # in front of `web`
    name: Web cache
    type: service
  - id: webhook
    name: Webhook relay
    type: service
flows:
  - id: web-to-api
    name: Web requests
    from: web
    to: webhook
  - id: api-to-web
    from: webhook
    to: web
  - id: web_push
    from: web
    to: webhook
  - id: website-feed
    from: webhook
    to: web
accepted_risks:
  - finding: LLM10-UNBOUNDED-CONSUMPTION@web-to-api
    owner: Shop team
    reason: Web requests are rate-limited upstream.
    expires: 2027-06-30
"""


def changes_for(text: str, old: str, new: str, old_name: str = "", new_name: str = ""):  # type: ignore[no-untyped-def]
    return derived_changes(RenameSource.of(EditableModel.from_text(text)), old, new,
                           old_name=old_name, new_name=new_name)


def test_ids_made_from_the_old_id_follow_it_as_whole_parts() -> None:
    ids = {(c.before, c.after) for c in changes_for(MODEL, "web", "storefront")
           if c.kind == "id"}
    assert ids == {("web-cache", "storefront-cache"), ("web-to-api", "storefront-to-api"),
                   ("api-to-web", "api-to-storefront"), ("web_push", "storefront_push")}
    # `webhook` and `website-feed` only start with the same letters.


def test_a_derived_id_that_would_clash_or_break_the_pattern_is_left_alone() -> None:
    text = MODEL.replace("id: webhook", "id: app-to-api").replace("to: webhook",
                                                                  "to: app-to-api")
    text = text.replace("from: webhook", "from: app-to-api")
    ids = {c.before for c in changes_for(text, "web", "app") if c.kind == "id"}
    assert "web-to-api" not in ids  # app-to-api is taken
    assert "web-cache" in ids
    long = "x" * 60
    assert not [c for c in changes_for(MODEL, "web", long) if c.before == "web-to-api"]


def test_text_names_the_old_name_as_a_whole_phrase_and_the_id_only_as_code() -> None:
    changes = changes_for(MODEL, "web", "storefront", "Web", "Storefront")
    texts = {c.where: c.after for c in changes if c.kind == "text"}
    assert texts["system description"] == ("Customers use Storefront, not the Webhook relay; "
                                           "`storefront` is public, web-cache is not.")
    assert texts["name of flow web-to-api"] == "Storefront requests"
    assert texts["name of component web-cache"] == "Storefront cache"
    assert texts["reason of accepted risk LLM10-UNBOUNDED-CONSUMPTION@web-to-api"] == \
        "Storefront requests are rate-limited upstream."
    assert "name of component web" not in texts  # the rename sets the element's own name
    assert "name of component webhook" not in texts
    comments = {c.line: c.after for c in changes if c.kind == "comment"}
    assert comments == {6: "# Storefront is the public front end; web-cache sits behind it.",
                        10: "# in front of `storefront`"}


def test_a_dashed_id_is_matched_in_prose() -> None:
    changes = changes_for(MODEL, "web-cache", "edge-cache")
    texts = {c.where: c.after for c in changes if c.kind != "id"}
    assert texts["system description"].endswith("edge-cache is not.")
    assert texts["comment on line 6"].endswith("edge-cache sits behind it.")


def test_the_rename_and_what_it_takes_along_are_one_edit() -> None:
    model = EditableModel.from_text(MODEL)
    changes = derived_changes(RenameSource.of(model), "web", "storefront", old_name="Web",
                              new_name="Storefront")
    chosen = [c for c in changes if c.where != "name of component web-cache"]
    rename_with(model, "web", "storefront", new_name="Storefront", changes=chosen)
    data = yaml.safe_load(model.text())
    assert [c["id"] for c in data["components"]] == ["storefront", "storefront-cache",
                                                     "webhook"]
    assert data["components"][0]["name"] == "Storefront"
    assert data["components"][1]["name"] == "Web cache"  # skipped
    assert [f["id"] for f in data["flows"]] == ["storefront-to-api", "api-to-storefront",
                                                "storefront_push", "website-feed"]
    assert {f["from"] for f in data["flows"]} | {f["to"] for f in data["flows"]} == {
        "storefront", "webhook"}
    # The acceptance follows the derived flow id, and its reason the new name.
    risk = data["accepted_risks"][0]
    assert risk["finding"] == "LLM10-UNBOUNDED-CONSUMPTION@storefront-to-api"
    assert risk["reason"].startswith("Storefront requests")
    text = model.text()
    assert "# Storefront is the public front end; web-cache sits behind it." in text
    assert "# in front of `storefront`" in text
    # Nothing else moved: the lines that changed are the ones listed, and the renamed ids.
    changed = [a for a, b in zip(MODEL.splitlines(), text.splitlines(), strict=True) if a != b]
    assert all("web" in line or "Web" in line for line in changed)


def test_a_name_change_alone_keeps_the_id() -> None:
    model = EditableModel.from_text(MODEL)
    changes = derived_changes(RenameSource.of(model), "web", "web", old_name="Web",
                              new_name="Shop front")
    assert {c.kind for c in changes} == {"text", "comment"}
    rename_with(model, "web", "web", new_name="Shop front", changes=changes)
    data = yaml.safe_load(model.text())
    assert data["components"][0] == {"id": "web", "name": "Shop front", "type": "client-app"}
    assert data["flows"][0]["name"] == "Shop front requests"


def test_nothing_derived_nothing_proposed() -> None:
    assert changes_for(MODEL, "web-cache", "web-cache", "Web cache", "Edge cache") == ()
    only = changes_for(MODEL, "webhook", "relay", "Webhook relay", "Relay")
    assert [(c.where, c.after) for c in only] == [
        ("system description",
         "Customers use Web, not the Relay; `web` is public, web-cache is not.")]


def test_comments_are_reworded_only_where_they_still_read_as_listed() -> None:
    model = EditableModel.from_text(MODEL)
    lines = {c.line: c.text for c in comment_lines(model)}
    assert lines == {6: "# Web is the public front end; web-cache sits behind it.",
                     10: "# in front of `web`"}
    assert reword_comments(model, {6: ("# something else", "# New")}) == 0
    assert model.text() == MODEL
    with pytest.raises(EditError):
        reword_comments(model, {6: (lines[6], "not a comment")})
    assert reword_comments(model, {10: (lines[10], "# behind the front end")}) == 1
    assert model.text() == MODEL.replace("# in front of `web`", "# behind the front end")
