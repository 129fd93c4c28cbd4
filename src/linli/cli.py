"""The ``linli`` command: Django's management commands under one name.

``linli demo``, ``linli serve``, ``linli cutoff``, ``linli import-jielong`` … Hyphens in a
command name are accepted for underscores. Every change made from here is audited with the
channel "cli".
"""

import getpass
import os
import sys

from linli.core.context import CallContext, calling


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    context = CallContext(channel="cli", user_agent=f"linli ({getpass.getuser()})")
    with calling(context):
        execute_from_command_line(["linli", *args])


if __name__ == "__main__":
    main()
