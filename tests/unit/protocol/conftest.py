from __future__ import annotations

import pytest

from fogbank.protocol.specs import Specs


@pytest.fixture(scope="session")
def specs() -> Specs:
    return Specs()
