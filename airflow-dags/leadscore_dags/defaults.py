"""Default task arguments shared by the leadscore DAGs."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

START_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)

DEFAULT_ARGS = {
    "owner": "leadscore",
    # Jobs are idempotent, so a retry after a lost executor or a flaky store is safe.
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=1),
    "depends_on_past": False,
}
