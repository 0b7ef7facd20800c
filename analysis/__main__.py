"""Command line: ``python -m analysis {validate,consistency,report,serve} [--help]``.

Exit codes: 0 success, 1 problems found (invalid data, a failed notebook), 2 usage error.
"""
from __future__ import annotations

import argparse
import sys


def _validate(args: argparse.Namespace) -> int:
    from analysis.data import dataset_names, validate_all

    problems = validate_all(args.data_dir)
    if problems:
        for p in problems:
            print(p)
        print(f"\n{len(problems)} problem(s) found in {args.data_dir}", file=sys.stderr)
        return 1
    print(f"OK: {len(dataset_names())} datasets and their passages are valid")
    return 0


def _consistency(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis import consistency

    table = consistency.check() if args.all else consistency.disagreements()
    with pd.option_context("display.max_rows", None, "display.max_colwidth", 120, "display.width", 200):
        print(table[["verdict", "statement", "stated", "recomputed", "difference", "source_ids"]].to_string())
    return 0


def _report(args: argparse.Namespace) -> int:
    from analysis import report

    return report.build(notebooks=args.notebooks or None, force=args.force, jobs=args.jobs, pdf=not args.no_pdf)


def _serve(args: argparse.Namespace) -> int:
    """Serve the published reports on 127.0.0.1, so their links work in a browser.

    JupyterLab's HTML viewer shows a report in a sandboxed frame, and Jupyter's server answers the
    frame's link requests with 403 (it refuses file requests that carry no referer, a guard against
    cross-site inclusion); this plain local server has no such guard to trip.
    """
    import functools
    import http.server
    from pathlib import Path

    folder = Path(args.directory)
    if not (folder / "index.html").is_file():
        print(f"{folder}: no index.html to serve; build the reports first with `make report`", file=sys.stderr)
        return 1
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as err:
        print(f"port {args.port}: {err.strerror}; pick another with --port", file=sys.stderr)
        return 1
    print(f"serving {folder} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    with server:
        server.serve_forever()
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    from analysis import paths

    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="The Nd / NdFeB market project's commands: check the data, list its disagreements, "
                    "build and serve the reports.",
        epilog="Exit codes: 0 success, 1 problems found (invalid data, a failed notebook), 2 usage error.")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check every dataset against data/catalogue.yaml and its sources")
    v.add_argument("--data-dir", default=str(paths.DATA), help="folder holding the CSVs (default: data/)")
    v.set_defaults(func=_validate)
    c = sub.add_parser("consistency", help="print the stated figures that disagree with their own inputs")
    c.add_argument("--all", action="store_true", help="show every check, not only the disagreements")
    c.set_defaults(func=_consistency)
    r = sub.add_parser("report", help="execute the notebooks and render the HTML reports under reports/")
    r.add_argument("notebooks", nargs="*", help="notebook names to build (default: all)")
    r.add_argument("--force", action="store_true", help="re-execute even if inputs are unchanged")
    r.add_argument("-j", "--jobs", type=_positive_int, default=2, help="notebooks run in parallel, at least 1 (default: 2)")
    r.add_argument("--no-pdf", action="store_true", help="do not print reports/brief.pdf (headless Chromium, a few seconds)")
    r.set_defaults(func=_report)
    s = sub.add_parser("serve", help="serve the built reports on http://127.0.0.1:8000/ (links work, unlike in Lab's HTML viewer)")
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    s.add_argument("--directory", default=str(paths.ROOT / "reports"), help="folder to serve (default: reports/)")
    s.set_defaults(func=_serve)
    args = parser.parse_args(argv)  # a usage error exits 2, as argparse does
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\ninterrupted: stopped every run; the last good reports are untouched", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
