"""The FastAPI application: routes, authentication, rate limit, audit middleware, lifespan."""

from __future__ import annotations

import datetime
import fcntl
import re
import json
import os
import secrets
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

import kyc
from fastapi import Depends, FastAPI, HTTPException, Request, Response, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.routing import Match

from .audit import AuditLog
from .db import Database, new_id
from .processors import EVENT_TYPES, PART_NAMES, Context
from .ratelimit import RateLimiter
from .settings import Settings
from .store import ObjectIntegrityError, ObjectNotFoundError, ObjectStore
from .uploads import error, is_zip, read_capped, replay, sniff_image
from .workers import WebhookDeliverer, WorkerPool

STATIC_DIR = Path(__file__).resolve().parent / "static"
# kind -> (route prefix, id prefix)
KIND_ROUTES = {"photo": ("/photos", "ph"), "application": ("/applications", "ap"), "cheque": ("/cheques", "cq")}
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fullmatch: no trailing newline, ASCII digits

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the API key")


class Client(BaseModel):
    id: str
    name: str


class WebhookIn(BaseModel):
    url: str = Field(description="http(s) URL that receives POSTed events")
    events: Optional[List[str]] = Field(default=None, description=f"subset of {EVENT_TYPES}; default all")
    secret: Optional[str] = Field(default=None, min_length=16, max_length=200,
                                  description="HMAC secret; generated when omitted")


class Services:
    """Everything the routes share; created in the lifespan, one per application."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(settings.data_dir / "service.lock", "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another kyc service is running on {settings.data_dir}") from None
        self.incarnation = uuid.uuid4().hex[:12]
        # Large bodies spool here (plaintext, deleted on close), not in a shared /tmp.
        self.spool_dir = settings.data_dir / "tmp"
        self.spool_dir.mkdir(mode=0o700, exist_ok=True)
        self.db = Database(settings.data_dir / "kyc_service.sqlite3")
        self.store = ObjectStore(settings.data_dir / "objects", settings.keys, settings.address_key)
        self.audit = AuditLog(settings.data_dir / "audit.ndjson")
        self.limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
        self.engine = kyc.Engine(**settings.engine_config)
        self.profiles = set(kyc.photo_profile_names())
        self.workers = WorkerPool(settings, self.db, Context(self.engine, self.store, self.db), self.audit,
                                  self.incarnation)
        self.deliverer = WebhookDeliverer(settings, self.db, self.audit)

    def start(self) -> None:
        self.audit.write("service", status="started", incarnation=self.incarnation,
                         workers=self.settings.workers)
        self.workers.start()
        self.deliverer.start()

    def stop(self) -> None:
        self.workers.shutdown()
        self.deliverer.shutdown()
        self.audit.write("service", status="stopped", incarnation=self.incarnation)
        self.audit.close()
        self.db.close_thread_connection()
        fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        self._lock_file.close()


class AuditMiddleware:
    """Request id (X-Request-Id) and one audit line per request, for every route."""

    def __init__(self, app: Any, audit_of: Any) -> None:
        self.app = app
        self.audit_of = audit_of

    async def __call__(self, scope: Dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = {"code": 500}

        async def send_with_id(message: Dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            audit = self.audit_of()
            if audit is not None:
                audit.write("request", request_id=request_id, client_id=state.get("client_id"),
                            method=scope["method"], route=route_template(scope), status=status["code"],
                            ms=round((time.perf_counter() - started) * 1000, 2), job_id=state.get("job_id"))


def route_template(scope: Dict[str, Any]) -> str:
    """'/photos/{photo_id}', never the concrete path (ids are fine, but keep lines groupable)."""
    app = scope.get("app")
    for route in getattr(getattr(app, "router", None), "routes", []):
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return getattr(route, "path", "?")
    return "(unmatched)"


def create_app(settings: Settings) -> FastAPI:
    holder: Dict[str, Services] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services(settings)
        holder["s"] = services
        services.start()
        try:
            yield
        finally:
            services.stop()
            holder.pop("s", None)

    app = FastAPI(
        title="kyc local service",
        version="1",
        description="Passport-photo checks, KYC onboarding packages and cheques, verified by the kyc "
                    "library. Authenticate with `Authorization: Bearer <key>` or `X-API-Key`.",
        lifespan=lifespan,
    )
    app.add_middleware(AuditMiddleware, audit_of=lambda: holder["s"].audit if "s" in holder else None)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    def services() -> Services:
        return holder["s"]

    def authenticate(request: Request,
                     creds: Optional[HTTPAuthorizationCredentials] = Security(bearer),
                     header_key: Optional[str] = Security(api_key_header)) -> Client:
        key = header_key or (creds.credentials if creds else None)
        if not key:
            raise error(401, "unauthenticated", "missing API key (Authorization: Bearer <key> or X-API-Key)",
                        headers={"WWW-Authenticate": "Bearer"})
        s = services()
        row = s.db.client_for_key(key)
        if row is None:
            raise error(401, "unauthenticated", "unknown API key", headers={"WWW-Authenticate": "Bearer"})
        request.state.client_id = row["id"]
        allowed, retry_after = s.limiter.take(row["id"])
        if not allowed:
            raise error(429, "rate_limited", f"too many requests; retry in {retry_after} s",
                        headers={"Retry-After": str(retry_after)})
        return Client(id=row["id"], name=row["name"])

    # ------------------------------------------------------------------ jobs, shared helpers
    def job_view(row: Any, kind: str, request: Request) -> Dict[str, Any]:
        base = KIND_ROUTES[kind][0]
        inputs = json.loads(row["inputs"])
        view: Dict[str, Any] = {
            "id": row["id"], "kind": kind, "status": row["status"], "attempts": row["attempts"],
            "created_at": row["created_at"], "updated_at": row["updated_at"],
            "status_url": f"{base}/{row['id']}",
        }
        if kind == "photo":
            view["profile"] = inputs.get("profile", "icao")
            view["objects"] = {"photo": inputs["photo"]}
        elif kind == "cheque":
            view["as_of"] = inputs["as_of"]
            view["objects"] = {"cheque": inputs["cheque"]}
        else:
            view["objects"] = ({"package": inputs["package"]} if "package" in inputs
                               else {k: v["ref"] for k, v in inputs["parts"].items()})
        if row["error"]:
            view["error"] = json.loads(row["error"])
        if row["verdict"] is not None:
            view["verdict"] = row["verdict"]
            view["reasons"] = json.loads(row["reasons"])
            view["report"] = json.loads(row["report"]) if row["report"] else None
            if row["annotated_ref"]:
                view["objects"]["annotated"] = row["annotated_ref"]
                view["annotated_url"] = f"{base}/{row['id']}/annotated"
        return view

    async def submit(request: Request, kind: str, inputs: Dict[str, Any]) -> JSONResponse:
        job_id = new_id(KIND_ROUTES[kind][1])
        await run_in_threadpool(services().db.enqueue, job_id, kind, request.state.client_id, inputs)
        request.state.job_id = job_id
        services().audit.write("job", job_id=job_id, kind=kind, status="queued",
                               request_id=request.state.request_id)
        url = f"{KIND_ROUTES[kind][0]}/{job_id}"
        return JSONResponse({"id": job_id, "status": "queued", "status_url": url}, status_code=202,
                            headers={"Location": url})

    async def form_of(request: Request, spool: Any, cap: int) -> Any:
        replayed = Request(request.scope, receive=replay(spool))
        try:
            return await replayed.form(max_files=8, max_fields=8, max_part_size=cap)
        except HTTPException:
            raise
        except Exception as exc:  # the multipart parser's errors: malformed body
            raise error(400, "bad_multipart", f"malformed multipart body: {exc}") from None

    async def read_part(form: Any, name: str) -> Optional[bytes]:
        value = form.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value.encode("utf-8")
        return await value.read()

    def media_type(request: Request) -> str:
        return request.headers.get("content-type", "").split(";")[0].strip().lower()

    async def read_image_upload(request: Request, part: str,
                                field: str) -> Tuple[bytes, Optional[str]]:
        """An image sent as multipart (`part`, plus an optional text `field`) or as a raw image/*
        body, read under the photo upload cap; returns the bytes and the field's value."""
        s = services()
        cap = s.settings.max_photo_bytes
        mtype = media_type(request)
        if mtype != "multipart/form-data" and not mtype.startswith("image/"):
            raise error(415, "unsupported_media_type",
                        f"send multipart/form-data with a `{part}` part, or the image itself with an image/* Content-Type")
        spool = await read_capped(request, cap, str(s.spool_dir))
        value: Optional[str] = None
        try:
            if mtype == "multipart/form-data":
                form = await form_of(request, spool, cap)
                try:
                    data = await read_part(form, part)
                    if data is None:
                        raise error(422, "missing_part", f"the multipart body has no `{part}` part")
                    if isinstance(form.get(field), str):
                        value = form.get(field)
                finally:
                    await form.close()
            else:
                data = spool.read()
        finally:
            spool.close()
        return data, value

    # ------------------------------------------------------------------ photos
    upload_photo_doc = {"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["photo"], "properties": {
            "photo": {"type": "string", "format": "binary"},
            "profile": {"type": "string", "enum": sorted(kyc.photo_profile_names())}}}},
        "image/*": {"schema": {"type": "string", "format": "binary"}}}}}

    @app.post("/photos", status_code=202, tags=["photos"], openapi_extra=upload_photo_doc,
              summary="Submit a passport photo (multipart field `photo`, or raw image/* body)")
    async def post_photo(request: Request, client: Client = Depends(authenticate),
                         profile: Optional[str] = None) -> JSONResponse:
        s = services()
        data, form_profile = await read_image_upload(request, "photo", "profile")
        profile = profile or form_profile
        if not data:
            raise error(400, "empty_body", "the photo is empty")
        profile = profile or "icao"
        if profile not in s.profiles:
            raise error(422, "unknown_profile", f"unknown profile; one of {sorted(s.profiles)}")
        if sniff_image(data) is None:
            raise error(422, "not_an_image", "the photo is not a JPEG, PNG, WebP, BMP, GIF, TIFF or PNM image")
        address, _ = await run_in_threadpool(s.store.put, data)
        return await submit(request, "photo", {"photo": address, "profile": profile})

    @app.get("/photos/{photo_id}", tags=["photos"], summary="Status, then verdict and report of a photo")
    def get_photo(photo_id: str, request: Request, client: Client = Depends(authenticate)) -> Dict[str, Any]:
        row = services().db.job(photo_id, client.id, "photo")
        if row is None:
            raise error(404, "not_found", "no such photo")
        request.state.job_id = photo_id
        return job_view(row, "photo", request)

    @app.get("/photos/{photo_id}/annotated", tags=["photos"], response_class=Response,
             responses={200: {"content": {"image/png": {}}}},
             summary="The explanatory picture (PNG) of a checked photo")
    def get_annotated(photo_id: str, request: Request, client: Client = Depends(authenticate)) -> Response:
        s = services()
        row = s.db.job(photo_id, client.id, "photo")
        if row is None:
            raise error(404, "not_found", "no such photo")
        request.state.job_id = photo_id
        if not row["annotated_ref"]:
            raise error(409 if row["status"] in ("queued", "running") else 404, "not_ready",
                        "no annotated picture (yet)" if row["status"] in ("queued", "running")
                        else "this photo has no annotated picture")
        try:
            png = s.store.get(row["annotated_ref"])
        except (ObjectIntegrityError, ObjectNotFoundError) as exc:
            raise error(500, exc.code, str(exc)) from None
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})

    # ------------------------------------------------------------------ applications
    part_props = {name: {"type": "string", "format": "binary"} for name in PART_NAMES}
    part_props["package"] = {"type": "string", "format": "binary"}
    upload_app_doc = {"requestBody": {"required": True, "content": {
        "application/zip": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": part_props,
                                           "description": "either `package` (a ZIP) or `form` + `selfie` + "
                                                          "`document_front` [+ `document_back`]"}}}}}

    @app.post("/applications", status_code=202, tags=["applications"], openapi_extra=upload_app_doc,
              summary="Submit a KYC package (ZIP), or its parts")
    async def post_application(request: Request, client: Client = Depends(authenticate)) -> JSONResponse:
        s = services()
        cap = s.settings.max_package_bytes
        mtype = media_type(request)
        if mtype not in ("multipart/form-data", "application/zip", "application/x-zip-compressed"):
            raise error(415, "unsupported_media_type",
                        "send the package as application/zip, or multipart/form-data with a `package` part "
                        "or `form`, `selfie`, `document_front` (and `document_back`) parts")
        spool = await read_capped(request, cap, str(s.spool_dir))
        parts: Dict[str, bytes] = {}
        try:
            if mtype == "multipart/form-data":
                form = await form_of(request, spool, cap)
                try:
                    unknown = sorted(set(form.keys()) - set(PART_NAMES) - {"package"})
                    if unknown:
                        raise error(400, "unknown_part", f"unexpected parts {unknown}; expected `package` or "
                                                         f"{list(PART_NAMES)}")
                    package = await read_part(form, "package")
                    for name in PART_NAMES:
                        value = await read_part(form, name)
                        if value is not None:
                            parts[name] = value
                finally:
                    await form.close()
            else:
                package = spool.read()
        finally:
            spool.close()
        if package is not None:
            if parts:
                raise error(400, "ambiguous", "send either `package` or the parts, not both")
            if not package:
                raise error(400, "empty_body", "the package is empty")
            if not is_zip(package):
                raise error(422, "not_a_zip", "the package is not a ZIP archive")
            address, _ = await run_in_threadpool(s.store.put, package)
            return await submit(request, "application", {"package": address})
        missing = [n for n in ("form", "selfie", "document_front") if not parts.get(n)]
        if missing:
            raise error(422, "missing_part", f"missing or empty parts: {missing}")
        extensions: Dict[str, str] = {}
        for name, data in parts.items():  # validate every part before storing any
            if name == "form":
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise error(422, "bad_form", "the form is not UTF-8 text (CSV or JSON)") from None
                extensions[name] = "json" if text.lstrip().startswith("{") else "csv"
            else:
                ext = sniff_image(data)
                if ext is None:
                    raise error(422, "not_an_image", f"part `{name}` is not a recognised image")
                extensions[name] = ext
        refs: Dict[str, Dict[str, str]] = {}
        for name, data in parts.items():
            address, _ = await run_in_threadpool(s.store.put, data)
            refs[name] = {"ref": address, "ext": extensions[name]}
        return await submit(request, "application", {"parts": refs})

    @app.get("/applications/{application_id}", tags=["applications"],
             summary="Status, then verdict (approved / rejected / review) and report")
    def get_application(application_id: str, request: Request,
                        client: Client = Depends(authenticate)) -> Dict[str, Any]:
        row = services().db.job(application_id, client.id, "application")
        if row is None:
            raise error(404, "not_found", "no such application")
        request.state.job_id = application_id
        return job_view(row, "application", request)

    # ------------------------------------------------------------------ cheques
    upload_cheque_doc = {"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["cheque"], "properties": {
            "cheque": {"type": "string", "format": "binary"},
            "as_of": {"type": "string", "format": "date"}}}},
        "image/*": {"schema": {"type": "string", "format": "binary"}}}}}

    @app.post("/cheques", status_code=202, tags=["cheques"], openapi_extra=upload_cheque_doc,
              summary="Submit a cheque image (multipart field `cheque`, or raw image/* body); "
                      "`as_of` (YYYY-MM-DD, default: today UTC) is the day the date check judges from")
    async def post_cheque(request: Request, client: Client = Depends(authenticate),
                          as_of: Optional[str] = None) -> JSONResponse:
        s = services()
        data, form_as_of = await read_image_upload(request, "cheque", "as_of")
        as_of = as_of or form_as_of
        if not data:
            raise error(400, "empty_body", "the cheque image is empty")
        if as_of:
            try:
                if not ISO_DATE.fullmatch(as_of):
                    raise ValueError(as_of)
                datetime.date.fromisoformat(as_of)
            except ValueError:
                raise error(422, "bad_as_of", "as_of must be a date YYYY-MM-DD") from None
        else:
            as_of = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        if sniff_image(data) is None:
            raise error(422, "not_an_image", "the cheque is not a JPEG, PNG, WebP, BMP, GIF, TIFF or PNM image")
        address, _ = await run_in_threadpool(s.store.put, data)
        return await submit(request, "cheque", {"cheque": address, "as_of": as_of})

    @app.get("/cheques/{cheque_id}", tags=["cheques"],
             summary="Status, then verdict (clean / suspicious / unable_to_assess), failing checks and report")
    def get_cheque(cheque_id: str, request: Request, client: Client = Depends(authenticate)) -> Dict[str, Any]:
        row = services().db.job(cheque_id, client.id, "cheque")
        if row is None:
            raise error(404, "not_found", "no such cheque")
        request.state.job_id = cheque_id
        return job_view(row, "cheque", request)

    # ------------------------------------------------------------------ webhooks
    @app.post("/webhooks", status_code=201, tags=["webhooks"],
              summary="Subscribe a URL to events; the response holds the signing secret (shown once)")
    def post_webhook(body: WebhookIn, client: Client = Depends(authenticate)) -> Dict[str, Any]:
        if not (body.url.startswith("http://") or body.url.startswith("https://")) or len(body.url) > 2000:
            raise error(422, "bad_url", "url must be an http:// or https:// URL")
        events = body.events if body.events is not None else list(EVENT_TYPES)
        bad = sorted(set(events) - set(EVENT_TYPES))
        if bad or not events:
            raise error(422, "bad_events", f"events must be a non-empty subset of {EVENT_TYPES}")
        secret = body.secret or "whsec_" + secrets.token_urlsafe(32)
        sub = services().db.add_webhook(client.id, body.url, secret, sorted(set(events)))
        return dict(sub, secret=secret)

    @app.get("/webhooks", tags=["webhooks"], summary="This client's subscriptions (without secrets)")
    def get_webhooks(client: Client = Depends(authenticate)) -> Dict[str, Any]:
        return {"webhooks": services().db.webhooks(client.id)}

    @app.delete("/webhooks/{webhook_id}", status_code=204, tags=["webhooks"], response_class=Response)
    def delete_webhook(webhook_id: str, client: Client = Depends(authenticate)) -> Response:
        if not services().db.delete_webhook(client.id, webhook_id):
            raise error(404, "not_found", "no such webhook")
        return Response(status_code=204)

    # ------------------------------------------------------------------ health, page
    @app.get("/healthz", tags=["service"], summary="Liveness: workers alive, queue depth")
    def healthz() -> Dict[str, Any]:
        s = services()
        counts = {r["status"]: r["n"] for r in s.db.conn().execute(
            "SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")}
        alive = sum(t.is_alive() for t in s.workers.threads)
        return {"status": "ok" if alive == s.settings.workers else "degraded", "workers_alive": alive,
                "jobs": counts, "kyc_version": kyc.__version__}

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    return app
