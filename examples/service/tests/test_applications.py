"""KYC applications: a package ZIP, or its parts assembled by the service; verdicts are the
library's on a package the test builds from the same real pieces."""

from __future__ import annotations

from conftest import OBAMA, PASSPORT_TD3, SPECIMEN_FORM, make_zip, require_shared, specimen_selfie, wait_job


def test_application_as_zip_is_rejected_for_someone_elses_selfie(service, engine):
    package = make_zip({"form.csv": SPECIMEN_FORM.encode(), "passport.jpg": require_shared(PASSPORT_TD3).read_bytes(),
                        "selfie.jpg": require_shared(OBAMA).read_bytes()})
    expected = engine.verify_package(package)
    with service.client(service.alice) as c:
        r = c.post("/applications", content=package, headers={"Content-Type": "application/zip"})
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["status_url"])
    assert job["status"] == "done", job
    assert job["verdict"] == expected.verdict == "rejected"
    assert [x["code"] for x in job["reasons"]] == list(expected.reasons)
    assert job["report"]["schema"] == "kyc.package_report"
    assert set(job["objects"]) == {"package"} and len(job["objects"]["package"]) == 64


def test_application_as_parts_is_assembled_into_an_accepted_package(service, engine):
    passport = require_shared(PASSPORT_TD3).read_bytes()
    selfie = specimen_selfie(engine)
    expected = engine.verify_package(make_zip({"form.csv": SPECIMEN_FORM.encode(), "passport.jpg": passport,
                                               "selfie.jpg": selfie}))
    assert expected.verdict == "approved", expected.to_json(2)  # the oracle: a consistent applicant
    with service.client(service.alice) as c:
        r = c.post("/applications", files={
            "form": ("applicant.csv", SPECIMEN_FORM.encode(), "text/csv"),
            "selfie": ("me.jpg", selfie, "image/jpeg"),
            "document_front": ("scan.jpg", passport, "image/jpeg")})
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["status_url"])
    assert job["status"] == "done", job
    assert job["verdict"] == expected.verdict
    assert [x["code"] for x in job["reasons"]] == list(expected.reasons)
    roles = {e["role"] for e in job["report"]["package"]["entries"]}
    assert {"applicant_form", "selfie", "document"} <= roles
    assert set(job["objects"]) == {"form", "selfie", "document_front"}


def test_application_also_accepts_a_multipart_package_and_refuses_bad_bodies(service):
    package = make_zip({"form.csv": SPECIMEN_FORM.encode(), "passport.jpg": require_shared(PASSPORT_TD3).read_bytes(),
                        "selfie.jpg": require_shared(OBAMA).read_bytes()})
    with service.client(service.alice) as c:
        r = c.post("/applications", files={"package": ("kyc.zip", package, "application/zip")})
        assert r.status_code == 202, r.text
        assert wait_job(c, r.json()["status_url"])["verdict"] == "rejected"
        r = c.post("/applications", content=b"PK not really", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415
        r = c.post("/applications", content=b"not a zip at all", headers={"Content-Type": "application/zip"})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "not_a_zip"
        r = c.post("/applications", content=b"", headers={"Content-Type": "application/zip"})
        assert r.status_code == 400
        r = c.post("/applications", files={"form": ("f.csv", SPECIMEN_FORM.encode(), "text/csv")})
        assert r.status_code == 422 and "selfie" in r.json()["detail"]["message"]
        r = c.post("/applications", files={"form": ("f.csv", b"a,b\n1,2\n", "text/csv"),
                                           "passport_photo": ("x.jpg", b"\xff\xd8\xff", "image/jpeg")})
        assert r.status_code == 400 and r.json()["detail"]["code"] == "unknown_part"
        # A hostile archive is the library's to refuse: a job result, not a crash.
        r = c.post("/applications", content=make_zip({"../../etc/passwd": b"x"}),
                   headers={"Content-Type": "application/zip"})
        job = wait_job(c, r.json()["status_url"])
        assert job["status"] == "done" and job["verdict"] == "error"
        assert job["reasons"][0]["code"] == "invalid_argument"
