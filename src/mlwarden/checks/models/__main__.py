"""`python -m mlwarden.checks.models FILE...`: the hook's console script."""

from __future__ import annotations

from mlwarden.checks.models import main

raise SystemExit(main())
