"""``tailor templates check``: lint every email template against the payload_inputs contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.settings import DBT_MANIFEST, Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "templates", help="email templates: check them against the payload contract"
    )
    commands = parser.add_subparsers(dest="templates_command", required=True)
    check = commands.add_parser(
        "check",
        help="unknown fields, nullable fields without a fallback, missing blocks (file:line); exit 1 on errors",
        description="Fields and nullability come from the dbt manifest's payload_inputs (run `make parse`).",
    )
    check.add_argument("--list", action="store_true", help="print the fields each campaign template uses")
    check.add_argument(
        "--manifest", type=Path, default=DBT_MANIFEST, help=f"dbt manifest (default: {DBT_MANIFEST})"
    )
    check.add_argument("--templates-dir", type=Path, help="template library (default: renderers/templates)")
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    from renderers.lint import lint_templates

    if not args.manifest.is_file():
        print(f"error: no dbt manifest at {args.manifest} (run `make parse`)", file=sys.stderr)
        return 2
    report = lint_templates(args.manifest, args.templates_dir)
    if args.list:
        for template, fields in report.variables.items():
            print(f"{template}:")
            for name, nullable in fields.items():
                print(f"  {name}{'  (nullable)' if nullable else ''}")
    for finding in report.findings:
        print(f"error: {finding}", file=sys.stderr)
    templates = len(report.variables)
    if report.ok:
        print(f"{templates} campaign templates OK against payload_inputs ({args.manifest.name})")
        return 0
    print(f"{len(report.findings)} error(s) in {templates} campaign templates", file=sys.stderr)
    return 1
