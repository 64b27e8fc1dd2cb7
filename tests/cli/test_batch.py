"""`kyc batch` driven through the real built binary: folder and manifest jobs, NDJSON lines
against the single commands, parallelism, resume, SIGINT, progress bar, exit codes.

Photos and the passport specimen are used in place from the shared folder (symlinked into
temporary folders, never copied into the repository). Expected reports are not hard-coded: each
batch line is compared with what the single command prints for the same input."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

FACES = "data/faces/face_recognition/examples/"
PHOTOS = ["obama.jpg", "obama2.jpg", "biden.jpg", "two_people.jpg", "obama_small.jpg",
          "alex-lacamoire.png", "lin-manuel-miranda.png"]
PASSPORT = "data/docs/passporteye/tests/data/passport-td3.jpg"

# A synthetic applicant form (invented values, not a real person's).
APPLICANT_CSV = ("surname,given_names,date_of_birth,document_number,nationality\n"
                 "SPECIMEN,ANNA,1970-01-01,X0000000,UTO\n")


# --- helpers ------------------------------------------------------------------------------------

def run(binary, *args, timeout=120, **kwargs):
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def lines_of(text: str) -> list[dict]:
    assert text == "" or text.endswith("\n"), "the output ends with a complete line"
    return [json.loads(line) for line in text.splitlines()]


def by_id(lines: list[dict]) -> dict[str, dict]:
    ids = [line["id"] for line in lines]
    assert len(ids) == len(set(ids)), f"an id appears twice: {sorted(ids)}"
    return {line["id"]: line for line in lines}


def without_timings(value):
    """The report minus what differs between two runs of the same input (durations)."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items()
                if k != "timings" and k != "ms" and not k.endswith("_ms")}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def comparable(line: dict) -> tuple:
    return (line["id"], line["kind"], line["status"], line["exit_code"], line["verdict"],
            json.dumps(without_timings(line["report"]), sort_keys=True),
            json.dumps(line["error"], sort_keys=True))


def summary_counts(stderr: str) -> dict[str, int]:
    match = re.search(r"kyc batch: (\d+) jobs: (\d+) ok, (\d+) error, (\d+) not started; "
                      r"ran (\d+), skipped (\d+)", stderr)
    assert match, f"no summary line in: {stderr!r}"
    keys = ["jobs", "ok", "error", "not_started", "ran", "skipped"]
    return dict(zip(keys, map(int, match.groups())))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    path.write_text("".join(",".join(cell(c) for c in row) + "\r\n" for row in rows))
    return path


@pytest.fixture(scope="module")
def photos(shared) -> dict[str, Path]:
    return {name: shared(FACES + name) for name in PHOTOS}


@pytest.fixture
def photo_folder(tmp_path, photos) -> Path:
    """The photos (symlinks), one in a subfolder, plus a hidden file that is not a job."""
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "sub").mkdir()
    for name, path in photos.items():
        target = folder / ("sub" if name == "obama_small.jpg" else "") / name
        target.symlink_to(path)
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    return folder


@pytest.fixture(scope="module")
def mixed_manifest(tmp_path_factory, photos, shared) -> Path:
    """Every kind, plus a missing file, a corrupt image, a duplicate id and a malformed row."""
    folder = tmp_path_factory.mktemp("manifest")
    passport = shared(PASSPORT)
    (folder / "applicant.csv").write_text(APPLICANT_CSV)
    (folder / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    with zipfile.ZipFile(folder / "package.zip", "w") as archive:
        archive.writestr("applicant.csv", APPLICANT_CSV)
        archive.write(photos["obama.jpg"], "selfie.jpg")
        archive.write(passport, "passport.jpg")
    rows = [["id", "kind", "input", "input2", "applicant", "profile"],
            ["match-same", "face-match", str(photos["obama.jpg"]), str(photos["obama2.jpg"]), "", ""],
            ["match-other", "face-match", str(photos["obama.jpg"]), str(photos["biden.jpg"]), "", ""],
            ["photo, quoted", "photo-check", str(photos["obama.jpg"]), "", "", "us"],
            ["photo-inferred", "", str(photos["biden.jpg"]), "", "", ""],
            ["passport", "doc-read", str(passport), "", "", ""],
            ["check", "doc-check", str(passport), "", "applicant.csv", ""],
            ["package", "verify-package", "package.zip", "", "", ""],
            ["missing", "photo-check", "no-such-photo.jpg", "", "", ""],
            ["corrupt", "photo-check", "corrupt.jpg", "", "", ""],
            ["match-same", "photo-check", str(photos["obama.jpg"]), "", "", ""],
            ["no-target", "face-match", str(photos["obama.jpg"]), "", "", ""]]
    return write_csv(folder / "jobs.csv", rows)


# Single-command equivalent of each mixed-manifest row (relative paths resolved as the
# manifest's folder does).
def single_command(row_id: str, manifest: Path, photos, shared) -> list[str] | None:
    folder = manifest.parent
    passport = str(shared(PASSPORT))
    return {
        "match-same": ["face-match", photos["obama.jpg"], photos["obama2.jpg"], "--json"],
        "match-other": ["face-match", photos["obama.jpg"], photos["biden.jpg"], "--json"],
        "photo, quoted": ["photo-check", photos["obama.jpg"], "--profile", "us", "--json"],
        "photo-inferred": ["photo-check", photos["biden.jpg"], "--json"],
        "passport": ["doc-read", passport],
        "check": ["doc-check", passport, "--applicant", folder / "applicant.csv"],
        "package": ["verify-package", folder / "package.zip"],
    }.get(row_id)


# --- tests --------------------------------------------------------------------------------------

def test_help_and_usage_errors(kyc_binary, tmp_path):
    shown = run(kyc_binary, "batch", "--help")
    assert shown.returncode == 0 and "kyc batch FOLDER|MANIFEST.csv" in shown.stdout
    assert "130 interrupted" in shown.stdout
    assert run(kyc_binary, "batch").returncode == 2
    assert run(kyc_binary, "batch", tmp_path, "--jobs", "0").returncode == 2
    assert run(kyc_binary, "batch", tmp_path, "--progress", "sometimes").returncode == 2
    assert run(kyc_binary, "batch", tmp_path, "--kind", "face-match").returncode == 2
    assert run(kyc_binary, "batch", tmp_path, "--restart").returncode == 2  # needs --out


def test_batch_level_input_errors(kyc_binary, tmp_path):
    missing = run(kyc_binary, "batch", tmp_path / "nothing-here")
    assert missing.returncode == 3 and "io_error" in missing.stderr
    bad_column = write_csv(tmp_path / "bad.csv", [["id", "input", "colour"], ["a", "x.jpg", "red"]])
    refused = run(kyc_binary, "batch", bad_column)
    assert refused.returncode == 3 and "unknown column 'colour'" in refused.stderr
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text('id,input\n"a,x.jpg\n')
    refused = run(kyc_binary, "batch", unclosed)
    assert refused.returncode == 3 and "line 2" in refused.stderr
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not results\n")
    (tmp_path / "empty").mkdir()
    refused = run(kyc_binary, "batch", tmp_path / "empty", "--out", foreign)
    assert refused.returncode == 3 and "not a kyc.batch_result line" in refused.stderr
    assert foreign.read_text() == "not results\n", "a foreign file is never modified"
    no_newline = tmp_path / "notes2.txt"
    no_newline.write_text("a last line without its newline is not taken for a torn result")
    refused = run(kyc_binary, "batch", tmp_path / "empty", "--out", no_newline)
    assert refused.returncode == 3 and "line 1 is not a kyc.batch_result" in refused.stderr
    assert no_newline.read_text().startswith("a last line"), "not truncated"
    bad_config = run(kyc_binary, "batch", tmp_path / "empty", "--config", tmp_path / "none.json")
    assert bad_config.returncode == 3
    bad_profile = run(kyc_binary, "batch", tmp_path / "empty", "--profile", "martian")
    assert bad_profile.returncode == 3


def test_folder_batch_one_line_per_file(kyc_binary, photo_folder, photos):
    out = photo_folder / "results.ndjson"  # inside the folder: must not become a job
    done = run(kyc_binary, "batch", photo_folder, "--out", out, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    lines = by_id(lines_of(out.read_text()))
    expected_ids = {("sub/" if n == "obama_small.jpg" else "") + n for n in photos}
    assert set(lines) == expected_ids
    for line in lines.values():
        assert line["schema"] == "kyc.batch_result" and line["schema_version"] == 1
        assert line["kind"] == "photo-check" and line["status"] == "ok"
        assert line["report"]["schema"] == "kyc.photo_check"
        assert line["error"] is None and line["ms"] > 0
    assert summary_counts(done.stderr) == {"jobs": 7, "ok": 7, "error": 0, "not_started": 0,
                                           "ran": 7, "skipped": 0}
    assert os.stat(out).st_mode & 0o077 == 0, "results hold personal data: owner-only file"


def test_folder_batch_to_stdout_equals_single_photo_checks(kyc_binary, photo_folder, photos):
    done = run(kyc_binary, "batch", photo_folder, "--jobs", "3", "--quiet")
    assert done.returncode == 0 and done.stderr == ""
    lines = by_id([l for l in lines_of(done.stdout)])
    assert len(lines) == len(photos)
    # A PNG with an alpha channel, a two-face photo, a small one (each single run loads models).
    for name in ("alex-lacamoire.png", "two_people.jpg", "obama_small.jpg"):
        path = photos[name]
        line = lines[("sub/" if name == "obama_small.jpg" else "") + name]
        single = run(kyc_binary, "photo-check", path, "--json")
        assert line["exit_code"] == single.returncode
        report = json.loads(single.stdout)
        assert line["verdict"] == report["verdict"]
        assert without_timings(line["report"]) == without_timings(report)


@pytest.fixture(scope="module")
def mixed_run(kyc_binary, mixed_manifest):
    """The mixed manifest run once on 4 workers (the bar forced on, to check it on stderr)."""
    return run(kyc_binary, "batch", mixed_manifest, "--jobs", "4", "--progress", "always")


def test_mixed_manifest_nothing_lost_and_same_as_single_commands(
        kyc_binary, mixed_manifest, mixed_run, photos, shared):
    done = mixed_run
    assert done.returncode == 3, done.stderr  # some jobs are error lines
    lines = lines_of(done.stdout)
    assert len(lines) == 11, "one line per data row, errors included"
    assert all(l["line"] >= 2 for l in lines)
    ok = {l["id"]: l for l in lines if l["status"] == "ok"}
    errors = {(l["id"], l["line"]): l for l in lines if l["status"] == "error"}
    assert set(ok) == {"match-same", "match-other", "photo, quoted", "photo-inferred",
                       "passport", "check", "package"}
    assert ok["photo-inferred"]["kind"] == "photo-check"
    assert errors[("missing", 9)]["error"]["code"] == "io_error"
    assert errors[("missing", 9)]["exit_code"] == 3
    assert errors[("corrupt", 10)]["error"]["code"] == "invalid_image"
    assert errors[("match-same", 11)]["error"]["code"] == "duplicate_id"
    assert "line 2" in errors[("match-same", 11)]["error"]["message"]
    assert errors[("no-target", 12)]["error"]["code"] == "invalid_job"
    assert "input2" in errors[("no-target", 12)]["error"]["message"]
    for line in errors.values():
        assert line["verdict"] is None and line["report"] is None and line["error"]["message"]

    for row_id, line in ok.items():
        args = single_command(row_id, mixed_manifest, photos, shared)
        single = run(kyc_binary, *args)
        assert single.returncode == line["exit_code"], row_id
        assert without_timings(json.loads(single.stdout)) == without_timings(line["report"]), row_id
    # The single commands give the same errors for the same broken inputs.
    corrupt = run(kyc_binary, "photo-check", mixed_manifest.parent / "corrupt.jpg")
    assert corrupt.returncode == 3 and "invalid_image" in corrupt.stderr


def test_jobs_1_and_4_give_the_same_results(kyc_binary, mixed_manifest, mixed_run):
    one = run(kyc_binary, "batch", mixed_manifest, "--jobs", "1")
    four = mixed_run
    assert one.returncode == four.returncode == 3
    assert sorted(map(comparable, lines_of(one.stdout))) == \
        sorted(map(comparable, lines_of(four.stdout)))


def many_photos_folder(folder: Path, photos, count: int) -> Path:
    folder.mkdir()
    sources = [photos[n] for n in ("obama.jpg", "obama2.jpg", "biden.jpg", "obama_small.jpg")]
    for i in range(count):
        (folder / f"p{i:03d}.jpg").symlink_to(sources[i % len(sources)])
    return folder


def test_resume_after_a_truncated_line(kyc_binary, tmp_path, photos):
    folder = many_photos_folder(tmp_path / "in", photos, 8)
    out = tmp_path / "results.ndjson"
    first = run(kyc_binary, "batch", folder, "--out", out, "--jobs", "2")
    assert first.returncode == 0, first.stderr
    text = out.read_text()
    complete = text.splitlines(keepends=True)
    assert len(complete) == 8
    # A crash while writing the 6th line: 5 whole lines and half of the 6th.
    kept = "".join(complete[:5])
    out.write_text(kept + complete[5][: len(complete[5]) // 2])

    second = run(kyc_binary, "batch", folder, "--out", out, "--jobs", "2")
    assert second.returncode == 0, second.stderr
    assert "dropped a truncated last line" in second.stderr
    counts = summary_counts(second.stderr)
    assert counts["ran"] == 3 and counts["skipped"] == 5 and counts["ok"] == 8
    resumed = out.read_text()
    assert resumed.startswith(kept), "lines already written are kept as they were"
    assert set(by_id(lines_of(resumed))) == {f"p{i:03d}.jpg" for i in range(8)}

    # Nothing left to do: instant, unchanged; --restart starts over.
    third = run(kyc_binary, "batch", folder, "--out", out)
    assert third.returncode == 0 and summary_counts(third.stderr)["ran"] == 0
    assert out.read_text() == resumed
    fourth = run(kyc_binary, "batch", folder, "--out", out, "--restart")
    assert fourth.returncode == 0 and summary_counts(fourth.stderr)["ran"] == 8
    assert len(lines_of(out.read_text())) == 8


def test_resume_keeps_error_lines_and_exit_code(kyc_binary, tmp_path, photos):
    manifest = write_csv(tmp_path / "jobs.csv", [
        ["id", "input"], ["a", str(photos["obama.jpg"])], ["b", "missing.jpg"],
        ["a", str(photos["biden.jpg"])], ["c", str(photos["obama2.jpg"])]])
    out = tmp_path / "results.ndjson"
    first = run(kyc_binary, "batch", manifest, "--out", out)
    assert first.returncode == 3
    written = lines_of(out.read_text())
    # Lose the first row's line (not the duplicate's): the rerun redoes it only.
    kept = [l for l in out.read_text().splitlines(keepends=True)
            if json.loads(l)["id"] != "a" or json.loads(l)["status"] == "error"]
    out.write_text("".join(kept))
    again = run(kyc_binary, "batch", manifest, "--out", out)
    assert again.returncode == 3, "the error lines already in the output still count"
    counts = summary_counts(again.stderr)
    assert counts == {"jobs": 4, "ok": 2, "error": 2, "not_started": 0, "ran": 1, "skipped": 3}
    final = lines_of(out.read_text())
    assert sorted(map(comparable, final)) == sorted(map(comparable, written)), \
        "duplicate-id lines are neither repeated nor hide the first row with that id"


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_signal_finishes_running_jobs_and_resumes(kyc_binary, tmp_path, photos, stop_signal):
    folder = many_photos_folder(tmp_path / "in", photos, 40)
    out = tmp_path / "results.ndjson"
    process = subprocess.Popen([str(kyc_binary), "batch", str(folder), "--out", str(out),
                                "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
        time.sleep(0.02)
    process.send_signal(stop_signal)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    text = out.read_text()
    assert text.endswith("\n"), "every line written is complete"
    written = by_id(lines_of(text))
    assert 3 <= len(written) < 40, "stopped taking new jobs"
    counts = summary_counts(stderr)
    assert counts["not_started"] == 40 - len(written)

    resumed = run(kyc_binary, "batch", folder, "--out", out, "--jobs", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert summary_counts(resumed.stderr)["ran"] == 40 - len(written)
    assert set(by_id(lines_of(out.read_text()))) == {f"p{i:03d}.jpg" for i in range(40)}


def test_fail_fast_stops_after_the_first_error(kyc_binary, tmp_path, photos):
    folder = many_photos_folder(tmp_path / "in", photos, 6)
    (folder / "a-broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    done = run(kyc_binary, "batch", folder, "--jobs", "1", "--fail-fast")
    assert done.returncode == 3
    lines = lines_of(done.stdout)
    assert [l["id"] for l in lines] == ["a-broken.png"], "sorted by path, stopped after it"
    assert summary_counts(done.stderr)["not_started"] == 6


def read_pty(fd: int, process: subprocess.Popen) -> bytes:
    output = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the other side closed
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    return output


@pytest.mark.parametrize("progress, bar_expected", [("auto", True), ("never", False)])
def test_progress_bar_on_a_terminal(kyc_binary, tmp_path, photos, progress, bar_expected):
    folder = many_photos_folder(tmp_path / "in", photos, 6)
    master, slave = pty.openpty()
    started = time.monotonic()
    with open(tmp_path / "out.ndjson", "wb") as stdout:
        process = subprocess.Popen([str(kyc_binary), "batch", str(folder), "--jobs", "2",
                                    "--progress", progress], stdout=stdout, stderr=slave)
    os.close(slave)
    try:
        terminal = read_pty(master, process).decode()
    finally:
        os.close(master)
    assert process.wait(timeout=60) == 0
    elapsed = time.monotonic() - started
    assert terminal.count("\r[") <= 10 * elapsed + 2, "redrawn at most ~10 times a second"
    assert ("6/6 100%" in terminal and "jobs/s" in terminal and "\r[" in terminal) == bar_expected
    assert "kyc batch: 6 jobs: 6 ok" in terminal
    assert len(lines_of((tmp_path / "out.ndjson").read_text())) == 6, "results go to stdout only"


def test_no_progress_bar_when_piped(kyc_binary, tmp_path, photos, mixed_run):
    folder = many_photos_folder(tmp_path / "in", photos, 2)
    piped = run(kyc_binary, "batch", folder)
    assert piped.returncode == 0
    assert "jobs/s" not in piped.stderr and "\r" not in piped.stderr
    assert piped.stderr.count("\n") == 1 and piped.stderr.startswith("kyc batch: 2 jobs")
    assert "11/11 100%" in mixed_run.stderr, "--progress always draws it even when piped"


def test_stderr_never_carries_personal_fields(mixed_run):
    """Names, numbers and dates read from the documents go to the results only."""
    passport = next(l for l in lines_of(mixed_run.stdout) if l["id"] == "passport")
    mrz = passport["report"]["mrz"]["fields"]
    personal = [v for v in (mrz.get("surname"), mrz.get("given_names"),
                            mrz.get("document_number"), mrz.get("date_of_birth")) if v]
    assert personal, "the specimen's MRZ was read (else this test checks nothing)"
    for value in personal + ["SPECIMEN", "X0000000", "obama", "passport-td3"]:
        assert str(value) not in mixed_run.stderr


def test_manifest_csv_quoting_and_line_numbers(kyc_binary, tmp_path):
    """RFC 4180 details; every row is invalid, so no engine is loaded and this runs fast."""
    manifest = tmp_path / "jobs.csv"
    manifest.write_bytes("\ufeffID, Kind ,input,input2\r\n"
                         '"multi\nline ""id""",face-match,a.jpg,\r\n'
                         "\r\n"
                         "plain,face-match,b.jpg,\r\n"
                         ",photo-check,c.jpg,\r\n"
                         "short,photo-check\n"
                         "odd,,notes.txt,\n".encode())
    done = run(kyc_binary, "batch", manifest)
    assert done.returncode == 3
    lines = {(l["id"], l["line"]): l["error"] for l in lines_of(done.stdout)}
    assert set(lines) == {('multi\nline "id"', 2), ("plain", 5), ("line:6", 6), ("short", 7),
                          ("odd", 8)}
    assert all(error["code"] == "invalid_job" for error in lines.values())
    assert "input2" in lines[("plain", 5)]["message"]
    assert lines[("line:6", 6)]["message"] == "empty id"
    assert "fields" in lines[("short", 7)]["message"]
    assert "kind" in lines[("odd", 8)]["message"]
