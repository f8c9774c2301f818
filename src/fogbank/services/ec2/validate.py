"""Texts EC2 restricts: group names and descriptions, rule descriptions, tags."""

from __future__ import annotations

import re
from collections.abc import Mapping

from fogbank.services.ec2 import errors

ALLOWED = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"
_TEXT = re.compile(r"^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*$")
MAX_TAGS = 50


def group_name(name: str) -> str:
    if not name:
        raise errors.missing("GroupName")
    if len(name) > 255 or not _TEXT.match(name):
        raise errors.invalid_value(
            "Invalid security group name. Valid names are non-empty strings less than 256"
            f" characters from the following set:  {ALLOWED}"
        )
    if name.startswith("sg-"):
        raise errors.invalid_value("Group names may not be in the format sg-*.")
    return name


def group_description(text: str) -> str:
    if not text:
        raise errors.missing("GroupDescription")
    if len(text) > 255 or not _TEXT.match(text):
        raise errors.invalid_value(
            "Invalid security group description. Valid descriptions are strings less than"
            f" 256 characters from the following set:  {ALLOWED}"
        )
    return text


def rule_description(text: str | None) -> str | None:
    if text is None:
        return None
    if len(text) > 255 or not _TEXT.match(text):
        raise errors.invalid_value(
            "Invalid rule description. Valid descriptions are strings less than 256 characters"
            f" from the following set:  {ALLOWED}"
        )
    return text


def tags(tags: Mapping[str, str]) -> Mapping[str, str]:
    for key, value in tags.items():
        if not key:
            raise errors.invalid_value("Tag key cannot be empty")
        if len(key) > 127:
            raise errors.invalid_value(
                f"Tag key exceeds the maximum length of 127 characters: {key[:20]}..."
            )
        if len(value) > 255:
            raise errors.invalid_value(
                f"Tag value exceeds the maximum length of 255 characters for key {key}"
            )
        if key.lower().startswith("aws:"):
            raise errors.invalid_value(
                "Tag keys starting with 'aws:' are reserved for internal use"
            )
    return tags
