"""`python -m hub.cli …`, as the tests and benchmarks start the hub."""

from hub.cli import main

raise SystemExit(main())
