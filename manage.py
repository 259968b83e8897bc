#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A checkout with no secret key configured is a development machine: the commands the
    # README shows run there as written, on the embedded setup, like `make run`. A
    # deployment always sets DJANGO_SECRET_KEY (the settings demand it outside DEBUG), so
    # this never turns DEBUG on there; an explicit DJANGO_DEBUG always wins.
    if not os.environ.get("DJANGO_SECRET_KEY"):
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
