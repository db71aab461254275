"""hub: video-enabled remote interview and petition hub for a county commission."""

import sys

import structlog

__version__ = "0.1.0"

# Until `hub serve` configures the one log stream (hub.logs), structlog's events go where the standard library's
# would, to standard error: standard output belongs to the commands (and to the child processes tests read).
if not structlog.is_configured():
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))
