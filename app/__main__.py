"""`python -m app` runs the `sitat` command line."""

from app.cli import main

raise SystemExit(main())
