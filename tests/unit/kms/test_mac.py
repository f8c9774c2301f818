"""HMAC keys against the standard library and RFC 4231's known answers."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from fogbank.services.kms.crypto import mac
from fogbank.services.kms.models import MacAlgorithm

RFC4231_CASE_2 = {
    MacAlgorithm.HMAC_SHA_224: "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
    MacAlgorithm.HMAC_SHA_256: ("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    MacAlgorithm.HMAC_SHA_384: (
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
        "8e2240ca5e69e2c78b3239ecfab21649"
    ),
    MacAlgorithm.HMAC_SHA_512: (
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
    ),
}


@pytest.mark.parametrize("algorithm", list(MacAlgorithm))
def test_known_answer(algorithm: MacAlgorithm) -> None:
    out = mac.generate(b"Jefe", algorithm, b"what do ya want for nothing?")
    assert out.hex() == RFC4231_CASE_2[algorithm]


@pytest.mark.parametrize(
    ("algorithm", "name"),
    [
        (MacAlgorithm.HMAC_SHA_224, "sha224"),
        (MacAlgorithm.HMAC_SHA_256, "sha256"),
        (MacAlgorithm.HMAC_SHA_384, "sha384"),
        (MacAlgorithm.HMAC_SHA_512, "sha512"),
    ],
)
def test_matches_hmac_module_and_verifies(algorithm: MacAlgorithm, name: str) -> None:
    key, message = os.urandom(48), os.urandom(1000)
    expected = hmac.new(key, message, getattr(hashlib, name)).digest()
    assert mac.generate(key, algorithm, message) == expected
    assert mac.verify(key, algorithm, message, expected)
    assert not mac.verify(key, algorithm, message + b"!", expected)
    assert not mac.verify(key, algorithm, message, expected[:-1] + bytes([expected[-1] ^ 1]))
