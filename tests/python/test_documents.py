"""Documents through Python: MRZ, AAMVA, applicant forms, consistency, document reading and the
KYC package flow."""

from __future__ import annotations

import io
import zipfile

import pytest

import kyc
from testdata import OBAMA, SHARED_DIR, require_file, require_shared

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
AAMVA = (
    "@\n\x1e\rANSI 636000080002DL00410266ZV03070008DL"
    "DAQT64235789\nDCSMARSH\nDDEN\nDACJORDAN\nDDFN\nDADLEE\nDDGN\nDCAD\nDCBK\nDCDPH\n"
    "DBD06062016\nDBB06061986\nDBA12102030\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\n"
    "DAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\n"
    "DDAF\nDDB06062008\nDDC06062009\nDDD1\rZVZVA01\r"
)
SPECIMEN_FORM = "surname,given_names,date_of_birth,passport_number\nEriksson,Anna Maria,1974-08-12,L898902C3\n"


@pytest.fixture(scope="module")
def doc_engine() -> kyc.Engine:
    require_shared("models/tessdata/mrz.traineddata")
    return kyc.Engine(document={"tessdata_dir": str(SHARED_DIR / "models" / "tessdata"),
                                "as_of": "2010-01-01"})


def test_parse_mrz_specimen():
    r = kyc.parse_mrz(TD3)
    assert r.valid and r.status == "valid" and r.format == "TD3"
    assert (r.fields.surname, r.fields.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert r.fields.date_of_birth == "1974-08-12"
    assert r.specimen  # UTO, the ICAO specimen state
    assert "document_number" in r.verified_fields()
    assert r.to_dict()["schema"] == "kyc.mrz"


def test_parse_mrz_repairs_a_confusable_and_reports_it():
    broken = [TD3[0], TD3[1].replace("L898902C3", "L8989O2C3")]  # 0 read as O
    r = kyc.parse_mrz("\n".join(broken))
    assert r.valid and r.fields.document_number == "L898902C3"
    assert "document_number" in r.repaired_fields


def test_parse_mrz_bad_text_is_a_result():
    assert kyc.parse_mrz("hello").status == "unrecognized"
    r = kyc.parse_mrz([TD3[0], TD3[1].replace("7408122", "7408123")])
    assert r.status == "invalid" and not r.valid
    with pytest.raises(TypeError):
        kyc.parse_mrz(42)


def test_parse_aamva():
    r = kyc.parse_aamva(AAMVA.encode("latin-1"))
    assert r.valid and r.format == "pdf417" and r.jurisdiction_name == "Virginia"
    assert (r.fields.surname, r.fields.date_of_birth) == ("MARSH", "1986-06-06")
    bad = kyc.parse_aamva(b"definitely not a licence")
    assert not bad.valid and bad.reason == "not_aamva"
    with pytest.raises(TypeError):
        kyc.parse_aamva(12)


def test_applicant_forms_and_their_errors():
    a = kyc.load_applicant("\ufeffFirst Name,Last Name,DOB\r\nAnna Maria,Eriksson,1974-08-12\r\n")
    assert (a.fields.given_names, a.fields.surname, a.fields.date_of_birth) == (
        "Anna Maria", "Eriksson", "1974-08-12")
    assert kyc.load_applicant({"surname": "Eriksson"}).fields.surname == "Eriksson"
    with pytest.raises(kyc.InvalidArgumentError, match="line 2"):
        kyc.load_applicant('surname,given_names\n"Eriksson,Anna\n')


def test_consistency_against_the_specimen_mrz():
    mrz = kyc.parse_mrz(TD3).to_document_read()
    ok = kyc.check_consistency(kyc.load_applicant(SPECIMEN_FORM), [mrz], as_of="2010-01-01")
    assert ok.verdict == "consistent", ok.to_json(2)
    expired = kyc.check_consistency(kyc.load_applicant(SPECIMEN_FORM), [mrz], as_of="2024-01-01")
    assert expired.verdict == "inconsistent" and expired.rule_field == "not_expired"
    other = kyc.check_consistency(kyc.load_applicant(SPECIMEN_FORM.replace("Eriksson", "Larsson")),
                                  [mrz], as_of="2010-01-01")
    assert other.verdict == "inconsistent"


def test_read_document_on_the_specimen_passport(doc_engine):
    r = doc_engine.read_document(str(require_shared("data/docs/passporteye/tests/data/passport-td3.jpg")))
    assert r.machine_readable and r.mrz.status == "valid"
    assert r.mrz.fields.document_number == "L898902C3"
    assert "no_barcode" in r.notes
    assert doc_engine.check_consistency(SPECIMEN_FORM, r.reads()).verdict == "consistent"


def _zip(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def test_verify_package_someone_elses_selfie(doc_engine):
    passport = require_shared("data/docs/passporteye/tests/data/passport-td3.jpg").read_bytes()
    package = _zip({"form.csv": SPECIMEN_FORM, "passport.jpg": passport,
                    "selfie.jpg": require_file(OBAMA).read_bytes()})
    report = doc_engine.verify_package(package)
    assert report.verdict == "rejected" and report.reasons[0] == "face_mismatch", report.to_json(2)
    assert report.document.mrz.status == "valid"
    assert report.consistency.verdict == "consistent"
    assert report.to_dict()["schema"] == "kyc.package_report"


def test_verify_package_refuses_unsafe_archives(doc_engine):
    with pytest.raises(kyc.InvalidArgumentError, match=r"\.\."):
        doc_engine.verify_package(_zip({"../../etc/passwd": "x"}))
    with pytest.raises(kyc.InvalidArgumentError):
        doc_engine.verify_package(b"PK\x03\x04 not really")
