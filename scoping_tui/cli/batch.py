"""`validate`, `analyze` and `check`: one model or many, in parallel, with a summary table.

Each file is a job that returns its output as text (`batch.FileResult`); this process prints
the results in the order the files were named, so output never interleaves and is the same
from run to run. Standard output carries only the result (the report, or JSON); progress and
the reasons a file could not be read go to standard error.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TextIO

from scoping_tui.cli import jobs as batch
from scoping_tui.cli.support import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    MANY_FILES_HELP,
    add_analysis_options,
    add_max_size,
    add_no_color,
    catalog_or_report,
    counts,
    emit,
    emit_bytes,
    format_arg,
    format_names,
    formatter,
    line,
    load,
    model_at_revision,
    plural,
    printable,
    valid_model,
)
from scoping_tui.cli.term import Progress, Style, wants_colour
from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.engine.controls import FindingStatus, Requirement
from scoping_tui.engine.diff import display_value, json_value
from scoping_tui.engine.safeguards import Weakening
from scoping_tui.engine.threats import SEVERITIES
from scoping_tui.model.suggest import did_you_mean
from scoping_tui.model.types import SystemModel

Job = Callable[[argparse.Namespace, Catalog, str], batch.FileResult]
MISSING_CONTROLS = ("fail", "warn", "ignore")
"""What `check --missing-controls` does with a control the phase requires that is missing."""


def register(sub: argparse._SubParsersAction[Any]) -> None:
    validate = sub.add_parser(
        "validate", formatter_class=formatter,
        help="check model files against the schema and for broken references",
        description="Check one or more model files: YAML syntax, the JSON Schema, unique ids, "
        "references, boundary cycles, and warnings for suspicious shapes. Every problem is "
        "printed as FILE:LINE:COL: SEVERITY: MESSAGE. " + MANY_FILES_HELP,
        epilog="examples:\n"
        "  scoping-tui validate threat-model.yaml\n"
        "  scoping-tui validate 'models/**/*.yaml'\n"
        "  scoping-tui validate --strict --format json models/*.yaml\n\n"
        "exit codes (the worst over all files):\n  0  every file is valid (warnings allowed)\n"
        "  1  only warnings, and --strict was given\n"
        "  2  a file is unreadable or invalid, or a pattern matches nothing\n",
    )
    validate.add_argument("files", nargs="+", metavar="FILE",
                          help="model files, folders or glob patterns")
    validate.add_argument("--format", type=format_arg("text", "json"), default="text",
                          metavar="FORMAT", help=f"{format_names('text', 'json')} "
                          "(default: text)")
    validate.add_argument("--strict", action="store_true",
                          help="fail (exit 1) on warnings too")
    validate.add_argument("--catalog", action="append", default=[], metavar="EXTRA.yaml",
                          help="also accept control and threat ids from this catalog file "
                          "(repeatable)")
    add_max_size(validate)
    add_no_color(validate)
    validate.set_defaults(run=cmd_validate)

    analyze = sub.add_parser(
        "analyze", formatter_class=formatter,
        help="scope, threats with reasons, and the controls each phase needs",
        description="Analyse a model: where it sits on both AWS scoping matrices and why, the "
        "threats that apply to each element with the facts that made them apply, and the "
        "controls the phase requires, with what is missing. " + MANY_FILES_HELP,
        epilog="examples:\n"
        "  scoping-tui analyze threat-model.yaml\n"
        "  scoping-tui analyze 'models/**/*.yaml'\n"
        "  scoping-tui analyze threat-model.yaml --phase production --format markdown -o TM.md\n"
        "  scoping-tui analyze threat-model.yaml --explain ops-agent\n"
        "  scoping-tui analyze threat-model.yaml --explain LLM06-EXCESSIVE-AGENCY@ops-agent\n\n"
        "exit codes (the worst over all files):\n  0  analysed\n"
        "  2  unusable model, catalog or arguments\n",
    )
    analyze.add_argument("files", nargs="+", metavar="FILE",
                         help="model files, folders or glob patterns")
    analyze.add_argument("--format", type=format_arg("text", "json", "markdown"),
                         default="text", metavar="FORMAT",
                         help=f"{format_names('text', 'json', 'markdown')} (default: text)")
    analyze.add_argument("-o", "--output", metavar="OUT",
                         help="write to this file instead of standard output")
    analyze.add_argument("--explain", metavar="TARGET",
                         help="for one element (or THREAT@TARGET): every threat considered and "
                         "why it did or did not apply (one file only)")
    add_analysis_options(analyze)
    add_no_color(analyze)
    analyze.set_defaults(run=cmd_analyze)

    check = sub.add_parser(
        "check", formatter_class=formatter,
        help="CI gate: fail on unresolved findings or missing required controls",
        description="Gate a model in CI. Two gates, each with its own option: findings "
        "(--fail-on: an unresolved, i.e. open or partially mitigated, finding at or above this "
        "severity fails; accepted risks count as resolved until they expire) and missing "
        "controls (--missing-controls: a control the phase requires that is not in place "
        "fails, is only listed as a warning, or is ignored). With --baseline or --git-ref only "
        "what is new fails: findings that were not unresolved in the older version (matched "
        "by their stable ids, THREAT@element, so reordering the file changes nothing) and "
        "controls that were not already missing; and a safeguard the change removed or weakened "
        "fails it too (see `scoping-tui diff --help`). " + MANY_FILES_HELP,
        epilog="examples:\n"
        "  scoping-tui check threat-model.yaml\n"
        "  scoping-tui check threat-model.yaml --fail-on critical --missing-controls warn\n"
        "  scoping-tui check threat-model.yaml --fail-on none --phase production   # controls "
        "only\n"
        "  scoping-tui check threat-model.yaml --baseline old/threat-model.yaml\n"
        "  scoping-tui check 'models/**/*.yaml' --git-ref origin/main\n\n"
        "exit codes (the worst over all files):\n  0  both gates pass (warnings allowed)\n"
        "  1  a gate fails: a finding at or above --fail-on, or (with --missing-controls fail, "
        "the default) a missing required control; the reasons are printed\n"
        "  2  unusable model, baseline, catalog or arguments\n",
    )
    check.add_argument("files", nargs="+", metavar="FILE",
                       help="model files, folders or glob patterns")
    check.add_argument("--fail-on", choices=(*SEVERITIES, "none"), default="high",
                       help="findings gate: the lowest severity of an unresolved finding that "
                       "fails (default: high); none: findings never fail the gate")
    check.add_argument("--missing-controls", choices=MISSING_CONTROLS, default="fail",
                       help="controls gate: a control the phase requires that is not in "
                       "place fails the gate (fail, the default), is listed as a warning "
                       "(warn), or is left out (ignore)")
    check.add_argument("--allow-weakening", action="store_true",
                       help="with --baseline or --git-ref: report safeguards the change "
                       "weakened (approval, authentication, encryption, permissions, controls "
                       "in place…) without failing on them")
    check.add_argument("--fail-on-unknowns", action="store_true",
                       help="also fail while a security fact that decides a finding is "
                       "unstated (the review's open questions)")
    check.add_argument("--format", type=format_arg("text", "json"), default="text",
                       metavar="FORMAT", help=f"{format_names('text', 'json')} (default: text)")
    check.add_argument("--baseline", metavar="OLD",
                       help="an older version of the model: fail only on what is new since")
    check.add_argument("--git-ref", metavar="REF",
                       help="compare each file with its version at this git revision "
                       "(a branch, tag or commit); a file absent there counts as all new")
    add_analysis_options(check)
    add_no_color(check)
    check.set_defaults(run=cmd_check)


def run_files(args: argparse.Namespace, job: Job, label: str, out: TextIO,
              err: TextIO | None = None) -> list[batch.FileResult] | None:
    """Expand the file arguments and run ``job`` on each; None after a usage error."""
    err = err or sys.stderr
    try:
        files = batch.expand(args.files)
    except batch.PatternError as exc:
        err.write(line(str(exc)) + "\n")
        return None
    catalog = catalog_or_report(args.catalog)
    if catalog is None:
        return None
    args.colour = wants_colour(out, args.no_color)
    progress = Progress(err, len(files), label)
    try:
        results = batch.run(files, partial(_in_worker, job, args),
                            on_done=lambda r: progress.advance(r.code != EXIT_OK))
    finally:
        progress.close()
    return results


def _in_worker(job: Job, args: argparse.Namespace, file: str) -> batch.FileResult:
    # Only the arguments travel to a worker (the catalog holds compiled closures, which do not
    # pickle); load_catalog is cached, and a forked worker inherits the parent's cache.
    return job(args, load_catalog(args.catalog), file)


def _worst(results: Sequence[batch.FileResult]) -> int:
    return max((r.code for r in results), default=EXIT_OK)


def _print_results(results: Sequence[batch.FileResult], out: TextIO, err: TextIO,
                   headers: bool) -> None:
    for result in results:
        if result.err:
            err.write(result.err)
        if not result.out:
            continue
        if headers:
            out.write(f"==> {line(result.file)} <==\n")
        out.write(result.out)
        if headers and not result.out.endswith("\n\n"):
            out.write("\n")


def table(rows: Sequence[Sequence[str]], header: Sequence[str], style: Style,
          colour_of: Callable[[int, str], str] = lambda column, cell: "") -> str:
    """A plain-text table with aligned columns; colours do not count towards widths."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def render(cells: Sequence[str], colour: Callable[[int, str], str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            padded = cell.ljust(widths[i]) if i < len(cells) - 1 else cell
            parts.append(style(padded, colour(i, cell)))
        return "  ".join(parts).rstrip() + "\n"

    text = render(header, lambda column, cell: "bold")
    for row in rows:
        text += render(row, colour_of)
    return text


def _result_colour(column: int, cell: str) -> str:
    if column != 1:
        return ""
    return {"passed": "green", "valid": "green", "analysed": "green", "FAILED": "red",
            "invalid": "red", "unusable": "red", "warnings": "yellow"}.get(cell, "")


# validate


def validate_job(args: argparse.Namespace, catalog: Catalog, file: str) -> batch.FileResult:
    result = load(file, args.max_size, catalog)
    errors, warnings = counts(result.diagnostics)
    code = EXIT_OK
    if errors or result.model is None:
        code = EXIT_USAGE
    elif warnings and args.strict:
        code = EXIT_FINDINGS
    verdict = "valid" if result.ok else "invalid"
    row: dict[str, object] = {"file": file, "valid": result.ok, "errors": errors,
                              "warnings": warnings,
                              "diagnostics": [d.to_json() for d in result.diagnostics]}
    if args.format == "json":
        return batch.FileResult(file, code, row=row)
    style = Style(args.colour)
    text = ""
    unread = ""
    for diagnostic in result.diagnostics:
        formatted = line(diagnostic.format())
        if diagnostic.code == "unreadable":  # not a result: why there is none, as elsewhere
            unread += formatted + "\n"
            continue
        sev = str(diagnostic.severity)
        text += formatted.replace(f": {sev}: ", f": {style.severity(sev, sev)}: ", 1) + "\n"
    text += (f"{line(file)}: {style(verdict, 'green' if result.ok else 'red')} "
             f"({plural(errors, 'error')}, {plural(warnings, 'warning')})\n")
    return batch.FileResult(file, code, out=text, err=unread, row=row)


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    results = run_files(args, validate_job, "models validated", out)
    if results is None:
        return EXIT_USAGE
    if args.format == "json":
        payload = {"version": 1, "files": [r.row for r in results]}
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return _worst(results)
    for result in results:
        sys.stderr.write(result.err)
        out.write(result.out)
    if len(results) > 1:
        style = Style(args.colour)
        rows = [[line(r.file), "valid" if r.row["valid"] else "invalid",
                 str(r.row["errors"]), str(r.row["warnings"])] for r in results]
        out.write("\n" + table(rows, ["file", "result", "errors", "warnings"], style,
                               _result_colour))
        invalid = sum(1 for r in results if not r.row["valid"])
        out.write(f"{plural(len(results), 'model')}: {len(results) - invalid} valid, "
                  f"{invalid} invalid\n")
    return _worst(results)


# analyze


def _model(args: argparse.Namespace, catalog: Catalog, file: str,
           err: TextIO) -> SystemModel | None:
    return valid_model(file, args.max_size, catalog, args.as_of, err=err)


def _unusable(file: str, err: str) -> batch.FileResult:
    return batch.FileResult(file, EXIT_USAGE, err=err, row={"file": file, "result": "unusable"})


def analyze_job(args: argparse.Namespace, catalog: Catalog, file: str) -> batch.FileResult:
    from scoping_tui.export.json_report import render_json
    from scoping_tui.export.markdown import render_markdown
    from scoping_tui.export.text import render_text

    err = io.StringIO()
    model = _model(args, catalog, file, err)
    if model is None:
        return _unusable(file, err.getvalue())
    assessment = assess(model, catalog, args.phase, args.as_of, args.unknowns)
    renderers = {"text": render_text, "json": render_json, "markdown": render_markdown}
    text = renderers[args.format](assessment)
    if args.format == "text":
        text = printable(text)
    tally = assessment.counts()
    row: dict[str, object] = {
        "file": file, "result": "analysed", "phase": assessment.phase,
        "generative": assessment.generative.value, "agentic": assessment.agentic.value,
        **tally, "missing": len(assessment.missing())}
    return batch.FileResult(file, EXIT_OK, out=text, row=row)


def cmd_analyze(args: argparse.Namespace, out: TextIO) -> int:
    if args.explain:
        return _analyze_explain(args, out)
    results = run_files(args, analyze_job, "models analysed", out)
    if results is None:
        return EXIT_USAGE
    worst = _worst(results)
    if len(results) == 1:
        sys.stderr.write(results[0].err)
        if results[0].code != EXIT_OK:
            return worst
        return max(worst, emit(results[0].out, args.output, results[0].file, out))
    buffer = io.StringIO()
    if args.format == "json":
        files = [{"file": r.file, "report": json.loads(r.out) if r.out else None}
                 for r in results]
        for result in results:
            sys.stderr.write(result.err)
        buffer.write(json.dumps({"version": 1, "files": files}, indent=2,
                                ensure_ascii=False) + "\n")
    else:
        _print_results(results, buffer, sys.stderr, headers=True)
        if args.format == "text":
            buffer.write(_analyze_table(results, Style(args.colour and args.output is None)))
    if args.output:
        return max(worst, emit_to(buffer.getvalue(), args.output, [r.file for r in results]))
    out.write(buffer.getvalue())
    return worst


def _analyze_table(results: Sequence[batch.FileResult], style: Style) -> str:
    header = ["file", "result", "phase", "gen", "agentic", "critical", "high", "medium", "low",
              "missing controls"]
    rows = []
    for r in results:
        if r.code == EXIT_USAGE:
            rows.append([line(r.file), "unusable", *["-"] * 8])
            continue
        rows.append([line(r.file), "analysed", str(r.row["phase"]), str(r.row["generative"]),
                     str(r.row["agentic"]), *(str(r.row[s]) for s in
                                              ("critical", "high", "medium", "low")),
                     str(r.row["missing"])])

    def colour(column: int, cell: str) -> str:
        if column in (5, 6) and cell not in ("0", "-"):
            return "red"
        return _result_colour(column, cell)

    unusable = sum(1 for r in results if r.code == EXIT_USAGE)
    return ("\n" + table(rows, header, style, colour)
            + f"{plural(len(results), 'model')}: {len(results) - unusable} analysed, "
            f"{unusable} unusable\n")


def _analyze_explain(args: argparse.Namespace, out: TextIO) -> int:
    from scoping_tui.engine.threats import explain

    if len(args.files) != 1:
        sys.stderr.write("--explain works on one model file at a time\n")
        return EXIT_USAGE
    catalog = catalog_or_report(args.catalog)
    if catalog is None:
        return EXIT_USAGE
    model = valid_model(args.files[0], args.max_size, catalog, args.as_of)
    if model is None:
        return EXIT_USAGE
    spec: str = args.explain
    threat_id, _, target = spec.rpartition("@")
    if threat_id and threat_id not in catalog.threats:
        sys.stderr.write(f"no threat in the catalog has the id {threat_id!r}"
                         f"{did_you_mean(threat_id, catalog.threats)}\n")
        return EXIT_USAGE
    considered = explain(model, catalog, target, threat_id or None)
    if not considered:
        ids = [c.id for c in model.components] + [f.id for f in model.flows]
        sys.stderr.write(f"no component, flow or boundary has the id {target!r}"
                         f"{did_you_mean(target, ids)}\n")
        return EXIT_USAGE
    applies = [c for c in considered if c.applies]
    unstated = [c for c in considered if c.applies is None]
    asked = f", {len(unstated)} hang on unstated facts" if unstated else ""
    out.write(line(target) + printable(f": {plural(len(considered), 'threat')} considered, "
                                       f"{len(applies)} appl{'ies' if len(applies) == 1 else 'y'}"
                                       f"{asked}\n"))
    order = {True: 0, None: 1, False: 2}
    for item in sorted(considered, key=lambda c: (order[c.applies], c.threat.id)):
        verdict = {True: "applies       ", None: "unstated      ",
                   False: "does not apply"}[item.applies]
        out.write(printable(f"  {verdict}  {item.threat.id}  {item.threat.title}\n"))
        reasons = "; ".join(str(r) for r in item.reasons) or "no facts decided it"
        label = {True: "because", None: "open until stated", False: "since"}[item.applies]
        out.write(printable(f"      {label}: {reasons}\n"))
        if item.applies and threat_id:  # one threat asked about: its reasoning in full
            if item.threat.rationale:
                out.write(printable(f"      why it applies: {item.threat.rationale}\n"))
            if item.threat.false_positives:
                out.write(printable(f"      a false positive when: "
                                    f"{item.threat.false_positives}\n"))
    return EXIT_OK


# check


def _baseline(args: argparse.Namespace, catalog: Catalog, file: str,
              err: TextIO) -> tuple[bool, Assessment | None]:
    """(usable, the baseline's assessment or None when there is no baseline)."""
    if args.baseline:
        model = valid_model(args.baseline, args.max_size, catalog, args.as_of, err=err)
        if model is None:
            return False, None
        return True, assess(model, catalog, args.phase, args.as_of, args.unknowns)
    if not args.git_ref:
        return True, None
    from scoping_tui.cli.gitrev import GitError

    try:
        model = model_at_revision(file, args.git_ref, args.max_size, catalog, args.as_of,
                                  "fix the baseline or choose another --git-ref", err)
    except GitError as exc:
        if exc.missing_file:
            # A model added after the baseline revision: every finding in it is new.
            err.write(f"{line(file)}: not in {line(args.git_ref)}; every finding counts "
                      "as new\n")
            return True, None
        err.write(f"{line(file)}: {line(str(exc))}\n")
        return False, None
    if model is None:
        return False, None
    return True, assess(model, catalog, args.phase, args.as_of, args.unknowns)


@dataclass(frozen=True)
class Gate:
    """What fails `check`: findings at or above --fail-on, missing required controls and, with
    a baseline, safeguards the change weakened; with a baseline only what is new."""

    failing: list[FindingStatus]
    missing: list[Requirement]
    weakened: tuple[Weakening, ...] = ()


def gate(assessment: Assessment, fail_on: str, baseline: Assessment | None,
         compare: bool) -> Gate:
    """The findings at or above ``fail_on`` ("none": no finding) and the missing controls that
    fail the gate; with a baseline, only what is new: findings that were not unresolved at
    this severity before (new, reopened or raised; matched through renames), controls that
    were not already missing, and every safeguard weakened since."""
    from scoping_tui.engine.diff import diff_models, new_findings
    from scoping_tui.engine.safeguards import weakenings
    from scoping_tui.engine.threats import SEVERITIES

    missing = assessment.missing()
    failing: list[FindingStatus] = []
    if not compare or baseline is None:  # no baseline, or a model new since it: all is new
        if fail_on != "none":
            limit = SEVERITIES.index(fail_on)
            failing = [s for s in assessment.findings
                       if s.unresolved and s.finding.severity_rank <= limit]
        return Gate(failing, missing)
    model_diff = diff_models(baseline.model, assessment.model)
    renames = model_diff.rename_map
    old_missing = {r.control.id for r in baseline.missing(assessment.phase)}
    if fail_on != "none":
        failing = new_findings(assessment, baseline, fail_on, renames)
    return Gate(failing, [r for r in missing if r.control.id not in old_missing],
                weakenings(baseline.model, assessment.model, model_diff))


def check_job(args: argparse.Namespace, catalog: Catalog, file: str) -> batch.FileResult:
    from scoping_tui.export.json_report import question_dict

    err = io.StringIO()
    model = _model(args, catalog, file, err)
    if model is None:
        return _unusable(file, err.getvalue())
    assessment = assess(model, catalog, args.phase, args.as_of, args.unknowns)
    compare = bool(args.baseline or args.git_ref)
    usable, baseline = _baseline(args, catalog, file, err)
    if not usable:
        return _unusable(file, err.getvalue())
    found = gate(assessment, args.fail_on, baseline, compare)
    failing, missing, weakened = found.failing, found.missing, found.weakened
    controls_gate = args.missing_controls
    if controls_gate == "ignore":
        missing = []
    questions = assessment.questions if args.fail_on_unknowns else ()
    passed = not failing and not (missing and controls_gate == "fail") and not (
        weakened and not args.allow_weakening) and not questions
    payload: dict[str, object] = {
        "version": 1,
        "file": file,
        "phase": assessment.phase,
        "fail_on": args.fail_on,
        "missing_controls_gate": controls_gate,
        "baseline": args.baseline or (f"{file}@{args.git_ref}" if args.git_ref else None),
        "passed": passed,
        "failing_findings": [
            {"id": s.finding.id, "severity": s.finding.severity, "status": s.status,
             "line": s.finding.line} for s in failing],
        "missing_controls": [
            {"id": r.control.id, "phase": r.control.phase, "status": r.status,
             "targets": list(r.missing_on or r.targets)} for r in missing],
        "open_questions": [question_dict(q) for q in assessment.questions],
        "fail_on_unknowns": args.fail_on_unknowns,
        "weakened_safeguards": [
            {"id": w.id, "path": w.path, "label": w.label, "old": json_value(w.old),
             "new": json_value(w.new)} for w in weakened],
    }
    code = EXIT_OK if passed else EXIT_FINDINGS
    row: dict[str, object] = {"file": file, "result": "passed" if passed else "FAILED",
           "failing": len(failing), "missing": len(missing), "payload": payload}
    if args.format == "json":
        return batch.FileResult(file, code, err=err.getvalue(), row=row)
    style = Style(args.colour)
    new = "new " if compare else ""
    # Model text is made printable before colour is added: escaping afterwards would print
    # the colour codes themselves as text.
    text = ""
    for status in failing:
        finding = status.finding
        text += (f"{line(file)}:{finding.line}:1: "
                 f"{style.severity(finding.severity, finding.severity)}: "
                 + line(f"{new}{finding.id} is {status.status}: {finding.threat.title}") + "\n")
    warned = f"{style.severity('warning', 'warning')}: " if controls_gate == "warn" else ""
    for req in missing:
        where = "the whole system" if req.targets == ("*",) else ", ".join(
            req.missing_on or req.targets)
        text += (f"{line(file)}: {warned}"
                 + line(f"{new}missing control {req.control.id} ({req.control.title}), "
                        f"required from {req.control.phase}, {req.status} on {where}") + "\n")
    allowed = f"{style.severity('warning', 'warning')}: " if args.allow_weakening else ""
    for weak in weakened:
        text += (f"{line(file)}: {allowed}weakened safeguard: "
                 + line(f"{weak.describe(display_value)} ({weak.label})") + "\n")
    for question in questions:
        first = question.elements[0][1]
        text += (f"{line(file)}:{first}:1: {style.severity('error', 'error')}: "
                 + line(f"unanswered: {question.text} (answer with {question.answer})") + "\n")
    verdict = style("passed", "green") if passed else style("FAILED", "bold-red")
    against = f" against {line(str(payload['baseline']))}" if compare else ""
    findings_gate = ("findings never fail" if args.fail_on == "none"
                     else f"fail on {args.fail_on} and above")
    controls = {"fail": "", "warn": ", missing controls only warned about",
                "ignore": ", missing controls ignored"}[controls_gate]
    counted = plural(len(failing), new + "failing finding")
    if controls_gate != "ignore":
        counted += f", {plural(len(missing), new + 'missing control')}"
    if compare:
        counted += f", {plural(len(weakened), 'weakened safeguard')}"
    if assessment.questions:
        counted += f", {plural(assessment.open_questions, 'unstated fact')} to ask about"
    text += (f"{line(file)}: check {verdict} for phase {assessment.phase} "
             f"({findings_gate}{controls}{against}): {counted}\n")
    return batch.FileResult(file, code, out=text, err=err.getvalue(), row=row)


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    if args.baseline and args.git_ref:
        sys.stderr.write("give --baseline OLD or --git-ref REF, not both\n")
        return EXIT_USAGE
    if args.baseline and len(args.files) != 1:
        sys.stderr.write("--baseline compares one model file with one older version; for "
                         "many files use --git-ref REF\n")
        return EXIT_USAGE
    results = run_files(args, check_job, "models checked", out)
    if results is None:
        return EXIT_USAGE
    for result in results:
        sys.stderr.write(result.err)
    if args.format == "json":
        payloads = [r.row.get("payload", {"file": r.file, "passed": False, "unusable": True})
                    for r in results]
        payload = payloads[0] if len(payloads) == 1 else {
            "version": 1, "passed": _worst(results) == EXIT_OK, "files": payloads}
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return _worst(results)
    for result in results:
        out.write(result.out)
    if len(results) > 1:
        out.write(_check_table(results, Style(args.colour)))
    return _worst(results)


def _check_table(results: Sequence[batch.FileResult], style: Style) -> str:
    rows = []
    for r in results:
        if r.code == EXIT_USAGE:
            rows.append([line(r.file), "unusable", "-", "-"])
        else:
            rows.append([line(r.file), str(r.row["result"]), str(r.row["failing"]),
                         str(r.row["missing"])])
    tally = {"passed": 0, "FAILED": 0, "unusable": 0}
    for row in rows:
        tally[row[1]] += 1
    return ("\n" + table(rows, ["file", "result", "failing findings", "missing controls"],
                         style, _result_colour)
            + f"{plural(len(results), 'model')}: {tally['passed']} passed, "
            f"{tally['FAILED']} failed, {tally['unusable']} unusable\n")


def emit_to(data: str, output: str, files: Sequence[str]) -> int:
    """Write ``data`` to ``output`` unless it is one of the model files."""
    return emit_bytes(data.encode("utf-8", "backslashreplace"), output, list(files))

