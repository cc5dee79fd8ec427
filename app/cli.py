"""``kemu``: one entry, subcommands, JSON on stdout, messages on stderr.

Exit codes (docs/cli.md): 0 success; 1 usage error, or `kemu check` found an error;
2 the input cannot be read as a report (corrupt, encrypted, empty, scanned without text,
not a report).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.cache import load_report
from app.contract import dumps, findings_json, report_json
from app.errors import EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, explain  # noqa: F401 (EXIT_UNREADABLE: part of the CLI API)
from parsers.read.progress import add_progress_listener, terminal_progress

EXIT_FINDINGS = 1  # `kemu check`: at least one error-level finding
REVIEW_COMMANDS = ("edit", "confirm", "note", "undo", "redo", "status", "apply")
#: Commands defined here: running one of them builds a parser without the export and survey
#: commands, whose modules load the batch machinery and the whole parser stack (start-up).
OWN_COMMANDS = ("extract", "match", "check", "review", *REVIEW_COMMANDS)


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 1 so that 2 always means "this input is not a readable report".
    Subcommands are made of this class too, with kemu's help formatter from the start."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"kemu: {message}\n")


EXIT_CODES_HELP = """exit codes:
  0    success
  1    usage error; kemu check: the report has an error-level finding;
       kemu export: OUT refused (an input, a sidecar, a folder) or not writable; a bad user catalog
  2    the input cannot be read as a report (damaged, encrypted, empty, scanned, not a report, too slow)
  3    a review command could not be carried out (bad arguments, a sidecar or folder problem)
  4    export / triage: some files failed, the others were done
  130  interrupted (ctrl+c); 143: export / triage stopped by SIGTERM
details: docs/cli.md"""
FILE_HELP = "a report: PDF, or a text dump (.txt, .md)"
PATHS_HELP = "report files, or folders searched recursively for them"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Shows an option's default when it has one worth saying, and keeps the exit-code table's lines.

    argparse makes a formatter for every argument it adds, and without a width each asks
    ``shutil.get_terminal_size``: importing shutil (with bz2, lzma and fnmatch) cost a cold
    ``kemu extract`` more than the question. The width is found as shutil finds it."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, width if width is not None else _terminal_columns() - 2)

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "default" not in help_text and action.option_strings:
            help_text += " (default: %(default)s)"
        return help_text


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    from app.contract import SCHEMA_VERSION
    from parsers.model import EXTRACTOR_VERSION

    try:
        package = version("kemu")
    except PackageNotFoundError:
        package = "source tree"
    return f"kemu {package} (extractor {EXTRACTOR_VERSION}, extract JSON schema {SCHEMA_VERSION})"


class _VersionAction(argparse.Action):
    """``--version``, worked out only when asked for: it loads the parsers and package metadata."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, default: str = argparse.SUPPRESS, help: str = "show program's version number and exit") -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option_string: str | None = None) -> None:
        sys.stdout.write(_version() + "\n")
        parser.exit()


def _describe(sub) -> None:
    """Every subcommand's --help: its one line as a description, what FILE is, defaults, exit codes."""
    for choice in sub._choices_actions:
        command = sub.choices[choice.dest]
        command.formatter_class = _Formatter
        command.description = command.description or f"{choice.help[0].upper()}{choice.help[1:]}."
        command.epilog = EXIT_CODES_HELP
        for action in command._actions:
            if not action.option_strings and not action.help:  # the positional: what it takes
                action.help = PATHS_HELP if action.nargs in ("+", "*") else FILE_HELP
            if action.dest == "format" and not action.help:
                action.help = "output format"


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every subcommand, or for one of ``OWN_COMMANDS`` only the ones defined here."""
    parser = _Parser(
        prog="kemu", description="Turn department budget / final-account reports into verified data.",
        epilog=EXIT_CODES_HELP, formatter_class=_Formatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    extract = sub.add_parser("extract", help="extract the tables of one report")
    extract.add_argument("file", type=Path)
    extract.add_argument("--format", choices=("json", "text"), default="json")
    extract.add_argument("--with-text", action="store_true", help="include the document text by page and line (json)")
    extract.add_argument("--no-cache", action="store_true", help="re-extract even if the file is cached")
    match = sub.add_parser("match", help="extract, then map every row to a standard 科目")
    match.add_argument("file", type=Path)
    match.add_argument("--format", choices=("json", "text"), default="json")
    match.add_argument("--no-cache", action="store_true", help="re-extract even if the file is cached")
    check = sub.add_parser("check", help="extract, match and run the consistency checks (of one report, or of several and across them); exit 1 on errors")
    check.add_argument("file", type=Path, nargs="+", metavar="PATH", help="a report; several reports or a folder also compares the reports of each department across years and kinds")
    check.add_argument("--format", choices=("json", "text"), default="json")
    check.add_argument("--no-cache", action="store_true", help="re-extract even if the file is cached")
    check.add_argument("--min-severity", choices=("error", "warning", "info"), default="info", help="show only findings this severe or worse (the exit code still counts errors)")
    _review_commands(sub)
    if command not in OWN_COMMANDS:
        from app.export.commands import add_commands as add_export_commands
        from app.export.survey import add_command as add_survey_command

        add_export_commands(sub)
        add_survey_command(sub)
    review = sub.add_parser("review", help="open the review workbench on a report, or a folder of reports")
    review.add_argument("file", type=Path, metavar="PATH", help="a report, or a folder of reports (opens the triage list, worst first)")
    review.add_argument("--lang", choices=("zh", "en"), default=None, help="interface language (default: config, else zh)")
    review.add_argument("--fresh", action="store_true", help="review a scratch copy in a new temporary folder: the sidecar beside PATH is neither read nor written")
    _describe(sub)
    return parser


def _fresh_copy(path: Path) -> Path:
    """A copy of the report (or of the folder, without its sidecars) in a new temporary folder."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="kemu-fresh-"))
    if path.is_dir():
        copy = scratch / path.name
        shutil.copytree(path, copy, ignore=shutil.ignore_patterns("*.kemu.*"))
    else:
        copy = Path(shutil.copy2(path, scratch / path.name))
    print(f"kemu: reviewing a fresh copy in {scratch} (removed when you quit); {path} and its sidecar are untouched", file=sys.stderr)
    return copy


def _review_commands(sub) -> None:
    """Scripted review: every command journals through the sidecar beside FILE."""

    def command(name: str, help_text: str):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("file", type=Path)
        parser.add_argument("--sidecar-format", choices=("toml", "json"), default=None, help="sidecar format for a new sidecar (default toml)")
        return parser

    edit = command("edit", "correct one cell")
    edit.add_argument("--table", required=True, help="table kind (final_expense) or id (final_expense#2)")
    edit.add_argument("--row", required=True, help="the row's code or printed name")
    edit.add_argument("--column", required=True, help="column key or printed label")
    edit.add_argument("--value", required=True, help="the correct amount, or - for no value")
    confirm = command("confirm", "confirm mappings (a row, or every automatic one)")
    confirm.add_argument("--table")
    confirm.add_argument("--row")
    confirm.add_argument("--code", help="choose this 科目 instead of the proposed one")
    confirm.add_argument("--all-auto", action="store_true", help="confirm every automatic mapping")
    confirm.add_argument("--same-text", action="store_true", help="apply to every row with the same printed text")
    note = command("note", "leave a note on a table or row (decides an error finding there: the print stands, and why)")
    note.add_argument("--table", required=True, help="table kind (final_expense) or id (final_expense#2)")
    note.add_argument("--row", help="the row's code or printed name (default: the table itself)")
    note.add_argument("--text", required=True, help="the note")
    command("undo", "undo the last operation (a bulk confirm is one step)")
    command("redo", "redo the last undone operation")
    status = command("status", "review progress: mappings confirmed, open findings, orphaned edits")
    status.add_argument("--format", choices=("json", "text"), default="text")
    apply = command("apply", "the reviewed report in the extract JSON contract")
    apply.add_argument("--format", choices=("json", "text"), default="json")


def _run_review_command(args) -> int:
    from app.review.session import ReviewSession
    from app.review.commands import run

    session = ReviewSession(args.file, args.sidecar_format)
    return run(session, args)


def _configured_lang() -> str:
    """``lang`` from ~/.config/kemu/config.toml, else Chinese."""
    from app.config import settings

    return str(settings().get("lang", "zh"))


def _utf8_stdout() -> None:
    """stdout is UTF-8 whatever the locale or ``PYTHONIOENCODING`` says (docs/cli.md § Conventions):
    the JSON and the text views carry Chinese, which an ASCII stream cannot take."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _utf8_stdout()
    args = _parser(argv[0] if argv else None).parse_args(argv)
    if sys.stderr.isatty() and args.command in ("extract", "match", "check"):  # the workbench and batches draw their own bars
        add_progress_listener(terminal_progress(sys.stderr))  # a long report, or scanned pages (seconds each)
    try:
        if args.command == "extract":
            report = load_report(args.file, use_cache=not args.no_cache)
            if args.format == "json":
                text = dumps(report_json(report, with_text=args.with_text))
            else:
                from app.text_views import render_text

                text = render_text(report)
            sys.stdout.write(text + "\n")
            return EXIT_OK
        if args.command == "match":
            from app.matching.matcher import match_report
            from app.text_views import render_matches

            report = match_report(load_report(args.file, use_cache=not args.no_cache))
            text = dumps(report_json(report)) if args.format == "json" else render_matches(report)
            sys.stdout.write(text + "\n")
            return EXIT_OK
        if args.command == "survey":
            from app.export.survey import run_command as run_survey_command

            return run_survey_command(args)
        if args.command not in OWN_COMMANDS:  # export, triage
            from app.export.commands import run as run_export_command

            return run_export_command(args)
        if args.command in REVIEW_COMMANDS:
            return _run_review_command(args)
        if args.command == "check":
            from app.checks import at_least, check_report
            from app.review.session import ReviewSession
            from app.text_views import render_findings

            if len(args.file) > 1 or args.file[0].is_dir():
                from app.export.collection import run_collection

                return EXIT_FINDINGS if run_collection(args.file, args.format, not args.no_cache, args.min_severity) else EXIT_OK
            report = ReviewSession(args.file[0], use_cache=not args.no_cache).reviewed  # the sidecar's edits count
            result = check_report(report)
            shown = at_least(result.findings, args.min_severity)
            text = dumps(findings_json(report, shown, result.checked)) if args.format == "json" else render_findings(report, shown, result.checked)
            sys.stdout.write(text + "\n")
            return EXIT_FINDINGS if any(f.severity == "error" for f in result.findings) else EXIT_OK
        if args.command == "review":
            from app.tui.app import run_review  # Textual loads only for the TUI

            if not (args.fresh and args.file.is_file()):  # a FIFO is never copied: copying would wait for a writer
                return run_review(args.file, args.lang or _configured_lang())
            copy = _fresh_copy(args.file)
            try:
                return run_review(copy, args.lang or _configured_lang())
            finally:  # a scratch copy is for one session: nothing is left in the temp folder
                import shutil

                shutil.rmtree(copy.parent, ignore_errors=True)
    except KeyboardInterrupt:
        print("kemu: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kemu … | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # every front door shares one error path: a sentence and an exit code
        if os.environ.get("KEMU_DEBUG"):
            raise
        message, code = explain(exc)
        print(f"kemu: {message}", file=sys.stderr)
        return code
    return EXIT_USAGE


#: Commands after which the process holds nothing to close: one report read, the answer printed.
#: The interpreter's own teardown (freeing every object of the report and of the parsers, about
#: 12 ms, as much as reading three pages) is skipped for them, once the output is flushed.
_FAST_EXIT = ("extract", "match", "check")


def run() -> None:
    """The ``kemu`` program (``[project.scripts]``, ``python -m app.cli``): ``main``, then exit."""
    argv = sys.argv[1:]
    code = main(argv)
    if argv and argv[0] in _FAST_EXIT:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:  # `kemu … | head`: the reader has all it wanted (as in main)
            pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
