from __future__ import annotations

from collections.abc import Callable

import pytest

from fogbank.services.kms.crypto import material
from fogbank.services.kms.models import KeySpec


@pytest.fixture(scope="session")
def key_of() -> Callable[[KeySpec], material.Material]:
    """Generated material per spec, made once per test session (RSA 4096 is slow)."""
    made: dict[KeySpec, material.Material] = {}

    def get(spec: KeySpec) -> material.Material:
        if spec not in made:
            made[spec] = material.generate(spec)
        return made[spec]

    return get
