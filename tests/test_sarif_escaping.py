"""SARIF carries an organisation catalog's text to code-scanning pages: it arrives as text.

Code scanning renders a rule's `help.markdown` (CommonMark) and reads bracket pairs in plain
messages as embedded links; a catalog in a pull request is as untrusted as a model, so neither
may turn its words into a link, an image or HTML there.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from scoping_tui.cli.entry import main
from tests.conftest import ROOT

HOSTILE = ("Leaks data. [Open the runbook](https://evil.example/phish) "
           "![pixel](https://track.example/p.png) <img src=x onerror=alert(1)> "
           "<script>alert(1)</script> <a href='https://evil.example'>here</a>\n\n"
           "Second paragraph with `code` and *stars* and [ref]: https://evil.example")
CATALOG = textwrap.dedent("""\
    version: 1
    threats:
      - id: ORG-AGENT-LEAK
        title: "Agent leak [click](https://evil.example)"
        description: {description}
        stride: [I]
        target: component
        when: {{fact: type, equals: agent}}
        likelihood: high
        impact: high
        references: {{owasp-llm: ["LLM06:2025"]}}
    """)


@pytest.fixture
def sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    extra = tmp_path / "org.yaml"
    extra.write_text(CATALOG.format(description=json.dumps(HOSTILE)), encoding="utf-8")
    assert main(["report", str(ROOT / "samples" / "ops-agent.yaml"), "--format", "sarif",
                 "--catalog", str(extra), "--as-of", "2026-11-28"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _rule(sarif: dict[str, object]) -> dict[str, object]:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]  # type: ignore[index]
    return next(r for r in rules if r["id"] == "ORG-AGENT-LEAK")  # type: ignore[no-any-return]


def test_rule_help_renders_as_text_without_links_images_or_html(
        sarif: dict[str, object]) -> None:
    markdown = _rule(sarif)["help"]["markdown"]  # type: ignore[index]
    html = MarkdownIt("commonmark").render(markdown)
    for tag in ("<a ", "<img", "<script", "<iframe"):
        assert tag not in html
    # The words are all still there for the reader, and the paragraphs stay apart.
    assert "Open the runbook" in html and "https://track.example/p.png" in html
    assert html.count("<p>") == 2 and "<li><strong>owasp-llm</strong>: LLM06:2025</li>" in html
    assert "onerror=alert(1)" in html.replace("&quot;", '"')


def test_plain_messages_cannot_hold_embedded_links(sarif: dict[str, object]) -> None:
    rule = _rule(sarif)
    results = [r for r in sarif["runs"][0]["results"]  # type: ignore[index]
               if r["ruleId"] == "ORG-AGENT-LEAK"]
    assert results
    texts = [rule["shortDescription"]["text"], rule["fullDescription"]["text"],  # type: ignore[index]
             rule["help"]["text"], *(r["message"]["text"] for r in results)]  # type: ignore[index]
    for text in texts:
        # SARIF 2.1.0 §3.11.6: an unescaped "[text](target)" is an embedded link.
        unescaped = text.replace("\\\\", "").replace("\\[", "").replace("\\]", "")
        assert "[" not in unescaped and "]" not in unescaped
    assert "Agent leak \\[click\\](https://evil.example)" in rule["shortDescription"]["text"]  # type: ignore[index]
