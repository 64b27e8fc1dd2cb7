"""The web page in real headless Chromium (Debian chromium driven by Playwright): upload a real
photo, wait for the verdict, compare it with the API's, screenshot."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import OBAMA, PASSPORT_TD3, SPECIMEN_FORM, in_ci, make_zip, require_shared

CHROMIUM = os.environ.get("KYC_CHROMIUM", "/usr/bin/chromium")


def playwright_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            pytest.fail("playwright is not installed (scripts/setup.sh installs it)")
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        if in_ci():
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    return sync_playwright


@contextmanager
def signed_in_page(service, height: int):
    """The service's web page in headless Chromium with alice's API key entered; closed on exit."""
    sync_playwright = playwright_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": height})
            page.goto(service.url + "/")
            page.fill("#api-key", service.alice)
            yield page
        finally:
            browser.close()


def post_from(page, route: str, button: str):
    """Clicks `button` and returns the page's POST response to `route`."""
    with page.expect_response(lambda r: r.url.endswith(route) and r.request.method == "POST") as posted:
        page.click(button)
    return posted.value


def wait_done(page) -> None:
    page.wait_for_function("document.body.dataset.state === 'done'", timeout=120_000)


def save_screenshot(page, name: str, say) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kyc-service-browser-")) / name
    page.screenshot(path=str(path), full_page=True)
    say(f"screenshot: {path}")
    return path


def test_page_uploads_a_photo_and_shows_the_verdict_and_annotated_picture(service, say):
    photo = require_shared(OBAMA)
    with signed_in_page(service, 1400) as page:
        page.dispatch_event("#api-key", "change")
        page.set_input_files("#photo-file", str(photo))
        page.select_option("#profile", "icao")
        job_id = post_from(page, "/photos", "#photo-submit").json()["id"]
        wait_done(page)
        page.wait_for_function("document.getElementById('annotated').naturalWidth > 0", timeout=30_000)
        shown_verdict = page.inner_text("#verdict")
        shown_rules = page.locator("#reasons li code").all_inner_texts()
        assert page.inner_text("#job-id") == job_id
        assert page.get_attribute("#annotated", "src").startswith("blob:")
        assert page.inner_text("#error") == ""
        screenshot = save_screenshot(page, "photo-verdict.png", say)
    with service.client(service.alice) as c:
        job = c.get(f"/photos/{job_id}").json()
    assert shown_verdict == job["verdict"]
    assert shown_rules == [r["rule"] for r in job["reasons"]]
    assert screenshot.stat().st_size > 10_000


def test_page_uploads_an_application_zip(service, tmp_path, say):
    package = tmp_path / "application.zip"
    package.write_bytes(make_zip({"form.csv": SPECIMEN_FORM.encode(),
                                  "passport.jpg": require_shared(PASSPORT_TD3).read_bytes(),
                                  "selfie.jpg": require_shared(OBAMA).read_bytes()}))
    with signed_in_page(service, 900) as page:
        page.set_input_files("#package-file", str(package))
        assert post_from(page, "/applications", "#application-submit").status == 202
        wait_done(page)
        job_id = page.inner_text("#job-id")
        shown_verdict = page.inner_text("#verdict")
        shown_reasons = page.locator("#reasons li code").all_inner_texts()
        assert page.is_hidden("#annotated")
        save_screenshot(page, "application-verdict.png", say)
    with service.client(service.alice) as c:
        job = c.get(f"/applications/{job_id}").json()
    assert shown_verdict == job["verdict"] == "rejected"
    assert shown_reasons == [r["code"] for r in job["reasons"]]


def test_page_uploads_a_cheque_and_shows_the_verdict_and_failing_checks(service, say):
    from test_cheques import AS_OF, TEMPLATE
    cheque = require_shared(TEMPLATE)
    with signed_in_page(service, 900) as page:
        page.set_input_files("#cheque-file", str(cheque))
        page.fill("#cheque-as-of", AS_OF)
        assert post_from(page, "/cheques", "#cheque-submit").status == 202
        wait_done(page)
        job_id = page.inner_text("#job-id")
        shown_verdict = page.inner_text("#verdict")
        shown_checks = page.locator("#reasons li code").all_inner_texts()
        save_screenshot(page, "cheque-verdict.png", say)
    with service.client(service.alice) as c:
        job = c.get(f"/cheques/{job_id}").json()
    assert job["as_of"] == AS_OF  # the date field reached the API
    assert shown_verdict == job["verdict"]
    assert shown_checks == [r["check"] for r in job["reasons"]] and shown_checks  # this cheque fails a check
