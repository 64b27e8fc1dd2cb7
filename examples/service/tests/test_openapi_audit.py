"""OpenAPI document and the audit log (request ids, no personal data)."""

from __future__ import annotations

import re

from conftest import PASSPORT_TD3, SPECIMEN_FORM, SPECIMEN_VALUES, require_shared, specimen_selfie, wait_job


def test_openapi_lists_the_routes_and_the_security_schemes(service):
    with service.client(None) as c:
        doc = c.get("/openapi.json").json()
    paths = doc["paths"]
    assert {"/photos", "/photos/{photo_id}", "/photos/{photo_id}/annotated", "/applications",
            "/applications/{application_id}", "/webhooks", "/webhooks/{webhook_id}", "/healthz"} <= set(paths)
    assert set(paths["/webhooks"]) == {"get", "post"} and "delete" in paths["/webhooks/{webhook_id}"]
    schemes = doc["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["HTTPBearer"].items()
    assert schemes["APIKeyHeader"]["in"] == "header" and schemes["APIKeyHeader"]["name"] == "X-API-Key"
    assert {"HTTPBearer": []} in paths["/photos"]["post"]["security"]
    body = paths["/photos"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body and "image/*" in body
    assert "application/zip" in paths["/applications"]["post"]["requestBody"]["content"]
    assert "security" not in paths["/healthz"]["get"]


def test_audit_lines_have_request_ids_and_no_personal_data(service, engine):
    passport = require_shared(PASSPORT_TD3).read_bytes()
    with service.client(service.alice) as c:
        r = c.post("/applications", files={
            "form": ("eriksson-anna-maria.csv", SPECIMEN_FORM.encode(), "text/csv"),
            "selfie": ("selfie-of-anna.jpg", specimen_selfie(engine), "image/jpeg"),
            "document_front": ("passport-L898902C3.jpg", passport, "image/jpeg")})
        request_id = r.headers["x-request-id"]
        job = wait_job(c, r.json()["status_url"])
        assert job["status"] == "done"
        assert any(v in str(job["report"]) for v in SPECIMEN_VALUES)  # the report itself has them
        missing = c.get("/applications/ap_nope")
        assert missing.status_code == 404
    text = (service.data_dir / "audit.ndjson").read_text()
    for value in SPECIMEN_VALUES + ["eriksson-anna-maria", "selfie-of-anna", "passport-L898902C3"]:
        assert value.lower() not in text.lower(), value
    lines = service.audit_lines()
    requests = [e for e in lines if e["event"] == "request"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", e["request_id"]) for e in requests)
    assert all({"ts", "client_id", "method", "route", "status", "ms", "job_id"} <= set(e) for e in requests)
    post = next(e for e in requests if e["request_id"] == request_id)
    assert (post["method"], post["route"], post["status"], post["job_id"]) == ("POST", "/applications", 202, job["id"])
    gets = [e for e in requests if e["request_id"] == missing.headers["x-request-id"]]
    assert gets[0]["route"] == "/applications/{application_id}" and gets[0]["status"] == 404
    states = [e["status"] for e in lines if e["event"] == "job" and e.get("job_id") == job["id"]]
    assert states == ["queued", "running", "done"]
