"""Key policy documents: the defaults KMS writes, and the checks on one given to it.

KMS returns its generated policies pretty-printed in the style of its JSON library
(``"Key" : value``, two-space indent, arrays opened on the same line); we produce the
same text so that a byte comparison with what AWS returns holds.
"""

from __future__ import annotations

import json

from fogbank.services.kms import errors

POLICY_NAME = "default"


def _pretty(value: object, indent: int = 0) -> str:
    pad = "  " * indent
    inner = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{ }"
        members = [f"{inner}{json.dumps(k)} : {_pretty(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(_pretty(v, indent) for v in value) + " ]"
    return json.dumps(value)


def default_policy(account_id: str, partition: str = "aws") -> str:
    """The policy CreateKey gives a key when none is specified."""
    return _pretty(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def managed_policy(
    account_id: str,
    region: str,
    service: str,
    display: str,
    grants: bool = False,
    partition: str = "aws",
) -> str:
    """The policy of an AWS managed key: use through the service only, for the account's
    principals; the key's metadata readable directly."""
    actions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"]
    actions += ["kms:CreateGrant", "kms:DescribeKey"] if grants else ["kms:DescribeKey"]
    return _pretty(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service}-2",
            "Statement": [
                {
                    "Sid": f"Allow access through {display} for all principals in the account"
                    f" that are authorized to use {display}",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": actions,
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:CallerAccount": account_id,
                            "kms:ViaService": f"{service}.{region}.amazonaws.com",
                        }
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*"],
                    "Resource": "*",
                },
            ],
        }
    )


def check_policy(document: str) -> str:
    """A policy given to CreateKey or PutKeyPolicy: JSON object with statements."""
    if len(document) > 32768:
        raise errors.limit_exceeded("The key policy exceeds the 32 KB size quota.")
    try:
        doc = json.loads(document)
    except ValueError:
        raise errors.malformed_policy("The policy is not valid JSON.") from None
    if not isinstance(doc, dict) or "Statement" not in doc:
        raise errors.malformed_policy("The policy must be a JSON object with a Statement.")
    return document


def check_policy_name(name: str | None) -> None:
    if name is not None and name != POLICY_NAME:
        raise errors.not_found(f"No such policy exists: {name}")
