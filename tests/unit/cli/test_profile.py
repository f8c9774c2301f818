from __future__ import annotations

from fogbank.cli.credentials import set_section

EXISTING = """# my settings
[default]
region = eu-west-1

[profile fogbank]
region = old
endpoint_url = http://old

[profile work]
region = us-east-2
"""


def test_replaces_only_its_own_section() -> None:
    out = set_section(EXISTING, "profile fogbank", {"region": "us-east-1", "endpoint_url": "x"})
    assert "# my settings" in out
    assert "[default]\nregion = eu-west-1" in out
    assert "[profile work]\nregion = us-east-2" in out
    assert "old" not in out
    assert "[profile fogbank]\nregion = us-east-1\nendpoint_url = x\n\n[profile work]" in out


def test_appends_when_missing() -> None:
    out = set_section("[default]\nregion = x\n", "fogbank", {"a": "1"})
    assert out == "[default]\nregion = x\n\n[fogbank]\na = 1\n"
    assert set_section("", "fogbank", {"a": "1"}) == "[fogbank]\na = 1\n"
