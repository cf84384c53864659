"""More ``tailor`` subcommands, one module each.

Every module here defines ``register(subparsers)``, which adds its subcommand(s) with
``set_defaults(func=handler)``; a handler takes ``(args, settings)`` and returns the exit status.
``orchestration.cli`` finds the modules itself, so adding a command is adding a file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register_all(subparsers: argparse._SubParsersAction) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        module.register(subparsers)
