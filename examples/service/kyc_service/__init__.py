"""kyc_service: the passport office and bank onboarding flow on one machine.

A FastAPI application over the kyc library: uploads are stored encrypted in a content-addressed
object store, verified by worker threads from a durable SQLite job queue, and reported back by
id, by webhook and in an NDJSON audit log. See examples/service/README.md.
"""

__all__ = ["create_app", "Settings"]

from .settings import Settings  # noqa: E402
from .app import create_app  # noqa: E402
