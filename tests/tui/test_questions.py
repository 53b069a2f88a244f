"""The review's questions in the terminal UI: counted in the status bar and the Findings tab,
listed under the findings with `q`, and gone once the model answers them."""

from __future__ import annotations

from textual.widgets import Static

from scoping_tui.tui.messages import EditRequested
from scoping_tui.tui.widgets.findings_panel import FindingsPanel
from scoping_tui.tui.widgets.status_bar import StatusBar
from tests.tui.conftest import app_for, settle, until


async def test_questions_are_counted_listed_and_answered(sample_copy) -> None:  # type: ignore[no-untyped-def]
    app = app_for(sample_copy("rag-support-assistant"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assessment = app.analysis.assessment
        asked = assessment.open_questions
        assert asked > 0
        bar = app.screen.query_one(StatusBar)
        assert f"{asked} questions" in str(bar.render())

        await pilot.press("f3")
        panel = app.main_screen.query_one(FindingsPanel)
        summary = panel.query_one("#findings-summary", Static)
        assert f"{asked} questions (q)" in str(summary.render())
        block = panel.query_one("#findings-questions", Static)
        assert not block.display
        await pilot.press("q")
        await until(pilot, lambda: block.display, "the questions to show")
        text = str(block.render())
        assert text.startswith("Questions for the review:")
        for question in assessment.questions:
            assert question.text in text
        await pilot.press("q")
        await until(pilot, lambda: not block.display, "the questions to hide")

        # Answer them in the model: the counts go.
        def answer(model) -> None:  # type: ignore[no-untyped-def]
            components = model.get(("components",))
            for index, item in enumerate(components):
                if item.get("id") in {e for q in assessment.questions for e, _ in q.elements}:
                    model.set_value(("components", index, "store", "multi_tenant"), False)

        app.main_screen.post_message(EditRequested(answer, "answer the questions"))
        await settle(app, pilot)
        assert app.analysis.assessment.open_questions == 0
        assert "question" not in str(bar.render())
        assert "question" not in str(summary.render())
