"""Unit tests of the parts that need no server: settings parsing, the object store's format."""

from __future__ import annotations

import base64
import os

import pytest
from kyc_service.settings import Settings, SettingsError, parse_keys, parse_rate
from kyc_service.store import ObjectIntegrityError, ObjectStore
from kyc_service.uploads import sniff_image


def test_parse_keys_and_errors():
    k1, k2 = os.urandom(32), os.urandom(32)
    text = f"k2:{base64.b64encode(k2).decode()}\n# old\nk1:{base64.b64encode(k1).decode()}\n"
    assert parse_keys(text, "file") == [("k2", k2), ("k1", k1)]
    with pytest.raises(SettingsError, match="32 bytes"):
        parse_keys("k1:" + base64.b64encode(b"short").decode(), "env")
    with pytest.raises(SettingsError, match="base64"):
        parse_keys("k1:!!!", "env")
    with pytest.raises(SettingsError, match="twice"):
        parse_keys(f"a:{base64.b64encode(k1).decode()},a:{base64.b64encode(k2).decode()}", "env")
    with pytest.raises(SettingsError, match="kid:base64key"):
        parse_keys(base64.b64encode(k1).decode(), "env")


def test_parse_rate():
    assert parse_rate("10/s burst 20") == (10.0, 20.0)
    assert parse_rate("600/min") == (10.0, 10.0)
    assert parse_rate("0") == (0.0, 0.0)
    with pytest.raises(SettingsError):
        parse_rate("lots")


def test_settings_need_a_key_and_a_data_dir(tmp_path):
    with pytest.raises(SettingsError, match="no encryption key"):
        Settings.from_env({}, data_dir=str(tmp_path))
    with pytest.raises(SettingsError, match="data directory"):
        Settings.from_env({"KYC_SERVICE_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode()})
    s = Settings.from_env({"KYC_SERVICE_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
                           "KYC_SERVICE_MAX_UPLOAD": "1000", "KYC_SERVICE_WORKERS": "3"}, data_dir=str(tmp_path))
    assert (s.max_photo_bytes, s.max_package_bytes, s.workers) == (1000, 1000, 3)
    with pytest.raises(SettingsError, match="KYC_SERVICE_WORKERS"):
        Settings.from_env({"KYC_SERVICE_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
                           "KYC_SERVICE_WORKERS": "0"}, data_dir=str(tmp_path))


def test_store_binds_the_address_and_the_key_id(tmp_path):
    key = os.urandom(32)
    store = ObjectStore(tmp_path, [("k1", key)])
    a, created = store.put(b"first object")
    b, _ = store.put(b"second object")
    assert created and store.put(b"first object") == (a, False)
    assert store.get(a) == b"first object"
    # A file copied to another object's address does not authenticate there.
    store.path_of(b).write_bytes(store.path_of(a).read_bytes())
    with pytest.raises(ObjectIntegrityError, match="authentication failed"):
        store.get(b)
    # Relabelled with another configured key id: fails too.
    other = ObjectStore(tmp_path, [("k2", os.urandom(32)), ("k1", key)])
    blob = store.path_of(a).read_bytes()
    store.path_of(a).write_bytes(blob.replace(b"k1", b"k2", 1))
    with pytest.raises(ObjectIntegrityError):
        other.get(a)
    assert not list(tmp_path.glob("*/.tmp-*"))


def test_sniff_image_by_content():
    assert sniff_image(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert sniff_image(b"\x89PNG\r\n\x1a\nrest") == "png"
    assert sniff_image(b"RIFF\0\0\0\0WEBPVP8 ") == "webp"
    assert sniff_image(b"P6\n1 1\n255\n\0\0\0") == "pnm"
    assert sniff_image(b"%PDF-1.7") is None and sniff_image(b"") is None
