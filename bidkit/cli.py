"""`python -m bidkit ...`: the command line for scripts, CI pipelines and anyone without a browser.

Exit codes: 0 success, 1 the bid has blocking findings (or a save conflicted), 2 bad input, 3 an
internal error (a fault of bidkit, never of the input; BIDKIT_DEBUG=1 shows its traceback). Errors
are one line on stderr; the core's BidkitError already says what and where.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from bidkit import bidfile, check, library, score, storage, yamlio
from bidkit.errors import BidkitError, ConflictError, DatabaseError, InternalError
from bidkit.settings import load_settings, settings_path, sign_in_configured
from bidkit.store import Store, open_store
from bidkit.store.folders import FolderStore
from bidkit.userfile import read_user_file
from bidkit.workspace import Folders

EXIT_OK, EXIT_BLOCKING, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
DEBUG_VARIABLE = "BIDKIT_DEBUG"
EXIT_CODES = f"""exit codes:
  0  success
  1  the bid has blocking findings, or a save conflicted with someone else's
  2  bad input: the one line on stderr says what is wrong and where (file, line, field)
  3  an internal error of bidkit; run again with {DEBUG_VARIABLE}=1 for the traceback"""


def default_library() -> str:
    return os.environ.get("BIDKIT_LIBRARY") or "clause_library"


def _add_library_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--library", default=None, metavar="DIR",
                        help="clause library folder (default: the database when one is configured, else "
                             "$BIDKIT_LIBRARY, else clause_library/)")


def _library_dir(args: argparse.Namespace) -> Path:
    return Path(args.library or default_library())


def _store(args: argparse.Namespace) -> Store:
    """`--library DIR` is that folder, whatever else is configured; without it, the team's database
    when one is configured, else the folder of $BIDKIT_LIBRARY (or clause_library/)."""
    folders = dataclasses.replace(Folders.from_env(), library=_library_dir(args))
    return FolderStore(folders) if args.library else open_store(folders=folders)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_library_validate(args: argparse.Namespace) -> int:
    lib = _store(args).load_library()
    summary = lib.summary()
    if args.format == "json":
        _print_json(summary)
    else:
        for issue in lib.issues:
            print(issue)
        print(f"{summary['clauses']} clauses, {summary['versions']} versions, "
              f"{summary['categories']} categories, {len(lib.issues)} errors")
    return EXIT_BAD_INPUT if lib.issues else EXIT_OK


def cmd_library_new_version(args: argparse.Namespace) -> int:
    author = _person(args.author, "--author")
    draft = library.read_new_version(args.file)
    # The draft's problems (its text, its id, a stale based_on) are the input file's to fix, not
    # those of the vN.yaml it would have become.
    would_be = re.compile(rf"(^|/){re.escape(draft.category)}/{re.escape(draft.id)}/v\d+\.yaml$")
    with _said_against(args.file, lambda exc: exc.file is None or bool(would_be.search(str(exc.file)))):
        version = _store(args).new_version(draft, author=author, note=args.note)
    print(f"saved {version.id} v{version.version} (draft)")
    return EXIT_OK


def _review(args: argparse.Namespace, event: str) -> int:
    reviewer = _person(args.reviewer, "--reviewer")
    settings = load_settings()
    if sign_in_configured() and not settings.may_review(reviewer):
        # The app lets only the listed reviewers review once users sign in; the command line, which
        # cannot verify anyone, holds the name it is given to the same list.
        raise BidkitError(f"{reviewer!r} is not one of the reviewers listed in {settings_path().name}; "
                          "with sign-in configured only they may approve or retire", field="--reviewer",
                          code="not-a-reviewer", reviewer=reviewer, settings=settings_path().name)
    store = _store(args)
    store.record_review(store.load_library(), args.clause_id, args.version, event, reviewer, args.comment,
                        one_person_team=settings.one_person_team)
    print(f"{args.clause_id} v{args.version} {event} by {reviewer}")
    return EXIT_OK


def _person(name: str, option: str) -> str:
    if not name.strip():
        raise BidkitError("is empty: give the person's name", field=option, code="name-empty", option=option)
    return name.strip()


@contextmanager
def _said_against(path: str, belongs: Callable[[BidkitError], bool] = lambda exc: exc.file is None) -> Iterator[None]:
    """A problem the core finds in what a file gave it (a clause that is not in the library, a
    draft's text) is said against that file, at the line of the field it names."""
    try:
        yield
    except BidkitError as exc:
        if belongs(exc):
            exc.file, exc.line = str(path), _line_of_field(path, exc.field)
        raise


_FIELD_PATH = re.compile(r"[A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*")


def _line_of_field(path: str, field: str | None) -> int | None:
    """The line of `clauses[3].params` in the YAML file at `path`, or None."""
    if not field or not _FIELD_PATH.fullmatch(field):
        return None
    loc = tuple(int(part) if part.isdigit() else part for part in re.findall(r"\w+", field))
    try:
        text = read_user_file(path, bidfile.MAX_BYTES).decode("utf-8-sig")
    except (BidkitError, UnicodeDecodeError):
        return None
    return yamlio.line_of(text, loc) if loc[0] in text else None


def cmd_extract(args: argparse.Namespace) -> int:
    from bidkit import extract
    from bidkit.extract.forms import extract_tender_file, forms_json, scoring_json

    found = extract_tender_file(args.file)
    data = extract.requirements_json(found.requirements)
    if found.forms:
        data["forms"] = forms_json(found.forms)
    if found.scoring_rules:
        data["scoring_rules"] = scoring_json(found.scoring_rules)
    if args.format == "json":
        _print_json(data)
    else:
        for row in data["requirements"] + data.get("forms", []) + data.get("scoring_rules", []):
            if "where" in row:
                row["where"] = _FlowMap(row["where"])
            for many in ("columns", "tiers"):  # a form's columns, a rule's tiers: one a line
                if many in row:
                    row[many] = [_FlowMap(c) for c in row[many]]
        print(yaml.dump(data, Dumper=_ExtractDumper, allow_unicode=True, sort_keys=False), end="")
    return EXIT_OK


class _FlowMap(dict):
    """A mapping printed on one line: `where: {file: D1.pdf, page: 3}` reads as one place."""


class _ExtractDumper(yaml.SafeDumper):
    pass


_ExtractDumper.add_representer(
    _FlowMap, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True))


def cmd_check(args: argparse.Namespace) -> int:
    bid = bidfile.read(args.bid)
    lib = _store(args).load_library()
    with _said_against(args.bid):
        result = check.check(bid, lib)
        points = score.score(bid, lib)
    if args.xlsx:
        _write_xlsx(Path(args.xlsx), bid, lib, result, points)
    if args.format == "json":
        _print_json({**result.to_json(), "score": points.to_json(), **({"xlsx": args.xlsx} if args.xlsx else {})})
    else:
        for finding in result.findings:
            mark = "BLOCKING " if finding.blocking else ""
            subject = finding.requirement.text if finding.requirement else finding.kind
            print(f"{mark}{finding.status}  {subject}: {finding.message}")
        blocking = len(result.blocking)
        print(f"{len(result.findings)} findings, {blocking} blocking")
        _print_score(points)
        if args.xlsx:
            print(f"wrote {args.xlsx}")
    return EXIT_BLOCKING if result.blocking else EXIT_OK


def _write_xlsx(path: Path, bid, lib, result: check.CheckResult, points: score.ScoreResult) -> None:
    """The findings, the deviation table and the score table as one workbook (bidkit/export_xlsx.py)."""
    from bidkit.export_xlsx import findings_workbook

    if path.suffix.lower() != ".xlsx":
        raise BidkitError("the workbook's name must end in .xlsx", field="--xlsx", code="xlsx-suffix", name=path.name)
    write_output(path, findings_workbook(bid, lib, result, points))


def _print_score(points: score.ScoreResult) -> None:
    """The score table, when the bid holds the tender's scoring rules: one row a rule."""
    if not points.rules:
        return
    print("\nscore estimate:")
    for row in points.rules:
        earned = "?" if row.earned is None else f"{row.earned:g}"
        why = {"subjective": "judged by the panel", "no-offer": "no clause commits this",
               "no-base": "the tender states no base value", "not-comparable": "offer not comparable"}.get(row.status, "")
        hint = row.suggestion.text() if row.suggestion else why
        print(f"  {earned:>5}/{row.rule.max_points:<5g} {row.rule.factor or row.rule.metric} [{row.rule.kind}]"
              f"{'  offer ' + row.offer if row.offer else ''}{'  -- ' + hint if hint else ''}")
    print(f"score {points.earned:g} of {points.max:g}, {points.left:g} left")


def cmd_render(args: argparse.Namespace) -> int:
    from bidkit.compose import compose
    from bidkit.render_docx import render_docx

    bid = bidfile.read(args.bid)
    lib = _store(args).load_library()
    with _said_against(args.bid):
        chapter = compose(bid, lib, draft=args.draft)
    blocking = chapter.check.blocking
    undecided = check.open_rows(chapter.check)
    if (blocking or undecided) and not args.draft:
        names = "; ".join(f.message for f in blocking[:5]) + (" …" if len(blocking) > 5 else "")
        # a final chapter's deviation table carries no 未响应 or 需人工确认: the writer decides each
        reasons = ([f"{len(blocking)} blocking findings ({names})"] if blocking else []) + (
            [f"{len(undecided)} rows of the deviation table still need your decision (未响应 or 需人工确认: "
             "decide them on the compose page)"] if undecided else [])
        _say("blocked", "; ".join(reasons) + "; fix them or render with --draft")
        return EXIT_BLOCKING
    out = Path(args.output)
    if out.suffix.lower() not in (".docx", ".pdf"):
        raise BidkitError("the output must end in .docx or .pdf", field="-o")
    data = render_docx(chapter, style_path=args.style, toc=args.toc)
    if out.suffix.lower() == ".pdf":
        from bidkit.export_pdf import pdf_bytes
        data = pdf_bytes(data)
    write_output(out, data)
    print(f"wrote {out}" + (" (draft)" if args.draft else ""))
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from bidkit.diff import diff_versions, redline_chapter

    lib = _store(args).load_library()
    diff = diff_versions(lib.version(args.clause_id, args.v1), lib.version(args.clause_id, args.v2))
    if args.redline:
        from bidkit.render_docx import render_docx
        write_output(Path(args.redline), render_docx(redline_chapter(diff)))
    if args.format == "json":
        _print_json(diff.to_json())
    elif args.format == "html":
        print(diff.to_html())
    else:
        print(diff.to_text())
    return EXIT_OK


def _database() -> tuple[str, str]:
    from bidkit.store import URL_VARIABLE, configured_url

    configured = configured_url()
    if configured is None:
        raise DatabaseError(f"no database is configured: set {URL_VARIABLE} (or database_url in "
                            f"{settings_path().name}) to postgresql://user@host:port/database",
                            field=URL_VARIABLE, code="db-not-configured",
                            variable=URL_VARIABLE, settings=settings_path().name)
    return configured


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bidkit.store import pg_connect, pg_schema

    url, where = _database()
    with pg_connect.connect(url, where, autocommit=True) as conn, pg_connect.gone_is_unavailable():
        before, after = pg_schema.upgrade(conn)
    said = f"from version {before} to {after}" if after != before else f"already at version {after}; nothing to do"
    print(f"{pg_connect.mask(url)}: schema {said}")
    return EXIT_OK


def cmd_db_status(args: argparse.Namespace) -> int:
    from bidkit.store import pg_connect, pg_schema

    url, where = _database()
    with pg_connect.connect(url, where, autocommit=True) as conn, pg_connect.gone_is_unavailable():
        version = pg_schema.schema_version(conn)
        counts = pg_schema.counts(conn) if version == pg_schema.CODE_VERSION else None
    status = {"database": pg_connect.mask(url), "from": where, "schema_version": version,
              "needed": pg_schema.CODE_VERSION, "counts": counts}
    if args.format == "json":
        _print_json(status)
    else:
        print(f"database: {status['database']} (from {where})")
        print(f"schema: version {version} (this bidkit needs {pg_schema.CODE_VERSION})")
        for name, count in (counts or {}).items():
            print(f"{name}: {count}")
    mismatch = pg_schema.mismatch(version)
    if mismatch:
        raise mismatch
    return EXIT_OK


def _team_store():
    from bidkit.store.pg_store import PgStore

    return PgStore(*_database())


def cmd_library_import(args: argparse.Namespace) -> int:
    by = _person(args.by, "--by")
    with _team_store() as db:
        added, there = db.import_folder(Path(args.folder), by)
        print(f"imported {added} files ({there} already there) from {args.folder} into {db.describe()}")
    return EXIT_OK


def cmd_library_export(args: argparse.Namespace) -> int:
    with _team_store() as db:
        written, same = db.export_folder(Path(args.folder))
        print(f"exported {written} files ({same} already there and the same) from {db.describe()} to {args.folder}")
    return EXIT_OK


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user asked for, whole or not at all."""
    if not path.parent.is_dir():
        raise BidkitError("the folder does not exist", file=str(path.parent))
    try:
        storage.write_atomic(path, data)
    except OSError as exc:  # a read-only folder, a full disk, a folder by that name: said, not a crash
        raise BidkitError(f"cannot be written: {exc.strerror or exc}", file=str(path), code="output-unwritable",
                          reason=exc.strerror or str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bidkit", description=__doc__.splitlines()[0],
                                     epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lib = commands.add_parser("library", help="validate the clause library, add versions, review them")
    lib_commands = lib.add_subparsers(dest="library_command", required=True, metavar="ACTION")

    validate = lib_commands.add_parser("validate", help="load every library file and list every problem")
    _add_library_option(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    validate.set_defaults(func=cmd_library_validate)

    new = lib_commands.add_parser("new-version", help="save the next version of a clause from FILE "
                                                       "(a version file with based_on instead of version)")
    _add_library_option(new)
    new.add_argument("file", metavar="FILE.yaml", help="the new version, naming id and based_on")
    new.add_argument("--author", required=True, help="who wrote this version")
    new.add_argument("--note", default=None, help="what changed and why")
    new.set_defaults(func=cmd_library_new_version)

    for event, verb in (("approved", "approve"), ("retired", "retire")):
        review = lib_commands.add_parser(verb, help=f"record that a version is {event}")
        _add_library_option(review)
        review.add_argument("clause_id", metavar="CLAUSE_ID", help="the clause's id")
        review.add_argument("version", metavar="VERSION", type=int, help="the version number")
        review.add_argument("--reviewer", required=True, help="who reviewed it")
        review.add_argument("--comment", default="", help="the reviewer's comment")
        review.set_defaults(func=lambda a, e=event: _review(a, e))

    imp = lib_commands.add_parser("import", help="load a library folder into the team's database (again: only "
                                                 "what is new; a different text under a stored version is refused)")
    imp.add_argument("folder", metavar="DIR", help="the library folder")
    imp.add_argument("--by", required=True, help="who imports it (recorded in the audit log)")
    imp.set_defaults(func=cmd_library_import)
    exp = lib_commands.add_parser("export", help="write the team database's library as a library folder "
                                                 "(the same YAML files it was imported from)")
    exp.add_argument("folder", metavar="DIR", help="where to write it (a file there that differs is refused)")
    exp.set_defaults(func=cmd_library_export)
    extract_cmd = commands.add_parser(
        "extract", help="list the after-sales requirements of a tender file, with where each was found")
    extract_cmd.add_argument("file", metavar="FILE", help="the tender: .txt, .md, .docx or .pdf")
    extract_cmd.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format")
    extract_cmd.set_defaults(func=cmd_extract)

    check_cmd = commands.add_parser("check", help="check a bid against its requirements; exit 1 when anything blocks")
    check_cmd.add_argument("bid", metavar="BID.yaml", help="the bid file")
    _add_library_option(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check_cmd.add_argument("--xlsx", metavar="OUT.xlsx", default=None,
                           help="also write the findings, the deviation table and the score table as one .xlsx")
    check_cmd.set_defaults(func=cmd_check)

    render_cmd = commands.add_parser("render", help="render a bid's chapter to .docx (or .pdf through LibreOffice)")
    render_cmd.add_argument("bid", metavar="BID.yaml", help="the bid file")
    render_cmd.add_argument("-o", "--output", required=True, metavar="OUT.docx", help="where to write (.docx or .pdf)")
    render_cmd.add_argument("--draft", action="store_true", help="render despite blocking findings, marking every page 草稿")
    render_cmd.add_argument("--toc", action="store_true", help="insert a table of contents after the chapter title")
    render_cmd.add_argument("--style", type=Path, default=None, metavar="STYLE.docx",
                            help="house style file (default: templates/house-style.docx)")
    _add_library_option(render_cmd)
    render_cmd.set_defaults(func=cmd_render)

    diff_cmd = commands.add_parser("diff", help="what changed between two versions of a clause, character by character")
    diff_cmd.add_argument("clause_id", metavar="CLAUSE_ID", help="the clause's id")
    diff_cmd.add_argument("v1", metavar="V1", type=int, help="the older version number")
    diff_cmd.add_argument("v2", metavar="V2", type=int, help="the newer version number")
    diff_cmd.add_argument("--format", choices=("text", "json", "html"), default="text", help="output format")
    diff_cmd.add_argument("--redline", metavar="OUT.docx", default=None,
                          help="also write a .docx with Word tracked changes (w:ins / w:del)")
    _add_library_option(diff_cmd)
    diff_cmd.set_defaults(func=cmd_diff)

    db = commands.add_parser("db", help="the team's PostgreSQL database ($BIDKIT_DATABASE_URL or database_url "
                                       "in the settings file)")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="create the schema, or migrate it to this bidkit's version"
                           ).set_defaults(func=cmd_db_upgrade)
    db_status = db_commands.add_parser("status", help="the database (password masked), its schema version and counts")
    db_status.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    db_status.set_defaults(func=cmd_db_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConflictError as exc:
        _say("conflict", exc)
        return EXIT_BLOCKING
    except InternalError as exc:
        _say("internal error", f"{exc}; please report it")
        return EXIT_INTERNAL
    except BidkitError as exc:
        _say("error", exc)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output (`| head`) has gone: nothing is wrong, and nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # MemoryError and RecursionError too: a crash is never exit 1 or 2
        if os.environ.get(DEBUG_VARIABLE):
            raise
        detail = str(exc).strip()
        _say("internal error", f"{type(exc).__name__}{': ' + detail[:200] if detail else ''} (a fault of "
                               f"bidkit, not of your input; run again with {DEBUG_VARIABLE}=1 for details)")
        return EXIT_INTERNAL


def _say(kind: str, text: object) -> None:
    """One line on stderr, whatever the message holds, so a script can read it as one."""
    print(f"{kind}: " + " ".join(str(text).splitlines()), file=sys.stderr)
