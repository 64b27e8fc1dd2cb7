#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/ (run from anywhere).

Every seed is synthetic: tiny images drawn with Pillow, MRZ lines of the ICAO 9303 specimen
documents (Doc 9303 parts 4-6 print them as examples), an AAMVA payload assembled here field by
field with a fictional holder, ZIP packages built with zipfile, and hand-written JSON/CSV.
Nothing is copied from ../shared. Re-running rewrites the same files (deterministic).
"""
import io
import json
import os
import struct
import zipfile

from PIL import Image, ImageDraw

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def picture(mode="RGB", size=(16, 12)):
    image = Image.new(mode, size, "white" if mode != "P" else 0)
    draw = ImageDraw.Draw(image)
    draw.rectangle([2, 2, size[0] - 4, size[1] - 3], fill="black" if mode != "P" else 1)
    return image


def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def images():
    rgb = picture()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90
    return {
        "tiny.jpg": encoded(rgb, "JPEG", quality=70),
        "exif_rotated.jpg": encoded(rgb, "JPEG", quality=70, exif=exif.tobytes()),
        "progressive.jpg": encoded(rgb, "JPEG", quality=50, progressive=True),
        "gray.jpg": encoded(picture("L"), "JPEG"),
        "tiny.png": encoded(rgb, "PNG"),
        "rgba.png": encoded(picture("RGBA"), "PNG"),
        "palette.png": encoded(picture("P"), "PNG"),
        "gray16.png": encoded(Image.new("I;16", (8, 8)), "PNG"),
        "tiny.webp": encoded(rgb, "WEBP", quality=60),
        "lossless.webp": encoded(rgb, "WEBP", lossless=True),
        "tiny.bmp": encoded(rgb, "BMP"),
        "tiny.gif": encoded(picture("P"), "GIF"),
        "tiny.tiff": encoded(rgb, "TIFF"),
        "tiny.ppm": encoded(rgb, "PPM"),
        "gray.pgm": encoded(picture("L"), "PPM"),
    }


# ICAO Doc 9303 specimens (part 4: TD3 passport; part 5: TD1 card; part 6: TD2; part 7: MRV-A).
MRZ = {
    "td3.txt": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
               "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n",
    "td1.txt": "I<UTOD231458907<<<<<<<<<<<<<<<\n"
               "7408122F1204159UTO<<<<<<<<<<<6\n"
               "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
    "td2.txt": "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"
               "D231458907UTO7408122F1204159<<<<<<<6\n",
    "mrva.txt": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                "L8988901C4XXX4009078F96121096ZE184226B<<<<<<\n",
    "td3_ocr_noise.txt": "P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                         "L898902C36UTO74O8122F12O4159ZE184226B<<<<<10\n",
}


def aamva(version=10, jurisdiction_version=0):
    """An AAMVA DL/ID file: header, one subfile designator, the DL subfile (fictional holder)."""
    elements = [
        ("DCA", "D"), ("DCB", "NONE"), ("DCD", "NONE"), ("DBA", "01312030"),
        ("DCS", "SAMPLE"), ("DAC", "PAT"), ("DAD", "Q"), ("DBD", "01312022"),
        ("DBB", "07041980"), ("DBC", "2"), ("DAY", "BRO"), ("DAU", "068 IN"),
        ("DAG", "1 MAIN ST"), ("DAI", "SPRINGFIELD"), ("DAJ", "VA"), ("DAK", "222010000  "),
        ("DAQ", "T16700185"), ("DCF", "0000000000"), ("DCG", "USA"), ("DDE", "N"),
        ("DDF", "N"), ("DDG", "N"),
    ]
    body = "DL" + "\n".join(e + v for e, v in elements) + "\r"
    header_len = 21 + 10  # fixed header + one designator
    header = "@\n\x1e\rANSI 636000%02d%02d01" % (version, jurisdiction_version)
    designator = "DL%04d%04d" % (header_len, len(body))
    return (header + designator + body).encode("ascii")


def packages():
    form = "first_name,last_name,date_of_birth,document_number\nPat,Sample,1980-07-04,T16700185\n"
    selfie = encoded(picture(size=(30, 40)), "JPEG")
    card = encoded(picture(size=(86, 54)), "PNG")
    out = {}
    for name, method in (("stored.zip", zipfile.ZIP_STORED), ("deflated.zip", zipfile.ZIP_DEFLATED)):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", method) as z:
            z.writestr("applicant.csv", form)
            z.writestr("selfie.jpg", selfie)
            z.writestr("licence_front.png", card)
        out[name] = buffer.getvalue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("kyc/", b"")
        z.writestr("kyc/applicant.json", json.dumps({"surname": "Sample", "given_names": "Pat"}))
        z.writestr("kyc/passport.jpg", encoded(picture(size=(125, 88)), "JPEG"))
    out["nested_dir.zip"] = buffer.getvalue()
    return out


CSV_FORM = "first_name,last_name,date_of_birth,address,city,state,zip\r\n" \
           "Pat,Sample,07/04/1980,\"1 Main St, Apt 2\",Springfield,VA,22201\r\n"
CSV_MANIFEST = "\ufeffname,dob,document_number,email\n" \
               "\"SAMPLE, PAT\",1980-07-04,T16700185,pat@example.com\n" \
               "Anna Maria Eriksson,12.08.1974,L898902C3,\n"
APPLICANT_JSON = json.dumps({"applicant": {
    "surname": "Eriksson", "given_names": "Anna Maria", "date_of_birth": "1974-08-12",
    "nationality": "UTO", "sex": "F", "document_number": "L898902C3",
    "address": {"street": "1 Main St", "city": "Springfield", "state": "VA", "zip": "22201"}}})

CONFIGS = {
    "empty.json": "{}",
    "face.json": json.dumps({"face": {"detector": "hog", "landmarks": 5, "jitters": 1,
                                      "min_face_size": 60, "operating_point": "fmr1e-3"}}),
    "limits.json": json.dumps({"limits": {"max_encoded_bytes": 1048576, "max_pixels": 1000000,
                                          "max_dimension": 4000}, "max_pooled_instances": 2}),
    "document.json": json.dumps({"document": {"mrz_model": "mrz", "viz": False, "as_of": "2026-01-31",
                                              "minimum_age": 21, "name_threshold": 0.85},
                                 "verifier": {"url": "https://127.0.0.1/verify", "timeout_ms": 500,
                                              "max_attempts": 1}}),
}

PROFILES = {
    "minimal.json": json.dumps({"name": "test", "description": "seed", "rules": {}}),
}

CONSISTENCY = json.dumps({
    "applicant": {"surname": "Eriksson", "given_names": "Anna Maria", "date_of_birth": "1974-08-12"},
    "documents": [{"source": "mrz", "fields": {"surname": "ERIKSSON", "given_names": "ANNA MARIA",
                                               "date_of_birth": "1974-08-12",
                                               "date_of_expiry": "2012-04-15"},
                   "verified_fields": ["date_of_birth"], "truncated_fields": []}],
    "options": {"as_of": "2010-01-31", "minimum_age": 18, "name_threshold": 0.8,
                "required_fields": ["name", "date_of_birth"], "address_decides": False}})


def main():
    for name, data in images().items():
        write("fuzz_decode_image", name, data)
    for name, data in CONFIGS.items():
        write("fuzz_config_json", name, data)
    profiles = os.path.join(os.path.dirname(ROOT), "..", "..", "src", "photo", "profiles")
    for name in ("icao.json", "us.json"):  # kyc's own built-in profiles
        with open(os.path.join(profiles, name), "rb") as f:
            write("fuzz_photo_profile_json", name, f.read())
    for name, data in PROFILES.items():
        write("fuzz_photo_profile_json", name, data)
    for name, data in MRZ.items():
        write("fuzz_mrz", name, data)
    write("fuzz_aamva", "v10.txt", aamva(10))
    write("fuzz_aamva", "v03.txt", aamva(3, 1))
    write("fuzz_aamva", "v01.txt", aamva(1, 0))
    write("fuzz_aamva", "stripe.txt", "%VASPRINGFIELD^SAMPLE$PAT$Q^1 MAIN ST^?;6360001670018=301219800704=?")
    for name, data in packages().items():
        write("fuzz_package", name, data)
    # Cheque text: convention byte (0 unicode, 1 doubango letters, 2 finos letters), then MICR
    # line, legal amount, courtesy amount and date, one per line. Routing 011000015 passes the
    # ABA checksum; the amounts agree.
    write("fuzz_cheque_text", "us_unicode.txt",
          "\x00\u24460110000 15\u2446 1234567890\u2448 0123\n"
          "One thousand two hundred thirty-four and 56/100 dollars\n$1,234.56\n2026-11-01")
    write("fuzz_cheque_text", "canada_doubango.txt",
          "\x01C0042C A12345D001A 987654321C\nTwelve hundred & no/100\n1 200,00\nNov 1, 2026")
    write("fuzz_cheque_text", "finos_amount.txt",
          "\x02U0024154U T011000015T 4400000084U A0000123456A\nfifty dollars only ***\n**50.00**\n")
    write("fuzz_applicant", "form.csv", b"\x00" + CSV_FORM.encode())
    write("fuzz_applicant", "manifest.csv", b"\x01" + CSV_MANIFEST.encode())
    write("fuzz_applicant", "applicant.json", b"\x02" + APPLICANT_JSON.encode())
    write("fuzz_c_abi", "aamva.bin", b"\x00" + aamva(10))
    write("fuzz_c_abi", "mrz.bin", b"\x01" + MRZ["td3.txt"].encode())
    write("fuzz_c_abi", "consistency.bin", b"\x02" + CONSISTENCY.encode())
    csv_request = json.dumps({"applicant_csv": CSV_FORM, "documents": []})
    write("fuzz_c_abi", "consistency_csv.bin", b"\x02" + csv_request.encode())
    write("fuzz_c_abi", "config.bin", b"\x03" + CONFIGS["face.json"].encode()[:-1])


if __name__ == "__main__":
    main()
