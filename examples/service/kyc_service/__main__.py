"""Command line: `python -m kyc_service serve|create-key`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kyc_service",
                                     description="kyc local service (passport photos, KYC packages)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service with its workers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--data", help="data directory (default $KYC_SERVICE_DATA)")
    serve.add_argument("--log-level", default="info")
    key = sub.add_parser("create-key", help="create a client (or replace its key); prints the key once")
    key.add_argument("--client", required=True, help="client name, e.g. passport-office")
    key.add_argument("--data", help="data directory (default $KYC_SERVICE_DATA)")
    args = parser.parse_args(argv)

    if args.command == "create-key":
        import os

        from .db import Database
        data = args.data or os.environ.get("KYC_SERVICE_DATA")
        if not data:
            print("error: pass --data DIR or set KYC_SERVICE_DATA", file=sys.stderr)
            return 2
        Path(data).mkdir(parents=True, exist_ok=True)
        api_key = Database(Path(data) / "kyc_service.sqlite3").create_client(args.client)
        print(api_key)
        return 0

    try:
        settings = Settings.from_env(data_dir=args.data)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from .app import create_app
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level,
                access_log=False)  # the audit log is the access log, without query strings
    return 0


if __name__ == "__main__":
    sys.exit(main())
