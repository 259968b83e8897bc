"""``python -m config.serve [daphne options] config.asgi:application``: Daphne, with an
access log that never writes the client address of an anonymous path (config.privacy)."""

from __future__ import annotations

import daphne.cli

from config.privacy import PrivateAccessLog

# The CLI builds its access log from this module-level name; point it at ours.
daphne.cli.AccessLogGenerator = PrivateAccessLog

if __name__ == "__main__":
    daphne.cli.CommandLineInterface.entrypoint()
