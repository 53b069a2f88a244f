"""Our own reports and diagrams: Markdown, HTML, JSON, SARIF, CSV, Graphviz, Mermaid, text."""
