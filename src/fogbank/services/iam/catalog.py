"""AWS managed policies (``arn:aws:iam::aws:policy/...``) that labs attach by name.

Each is a data file in ``managed/``: AWS's document of the policy's default version, its
id, description, version id and dates, as AWS's managed-policy reference publishes them
(docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html; the documents as the
IAM API returns them, tracked by the public MAMIP project). Dates known only to the minute
carry ``:00`` seconds; a policy whose id is not published gets a stable id derived from its
name. They are read-only: one version, the default, shared by every account.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fogbank.services.iam.models import AWS_ACCOUNT, ManagedPolicy, PolicyVersion

_DIR = Path(__file__).parent / "managed"
ARN_PREFIX = "arn:aws:iam::aws:policy"


@dataclass(frozen=True)
class AwsPolicy:
    policy: ManagedPolicy
    document: str

    @property
    def version(self) -> PolicyVersion:
        return PolicyVersion(
            self.policy.default_version, self.document, self.policy.updated_at, True
        )


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _derived_id(name: str) -> str:
    digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()
    return "ANPA" + digest[:17]


class ManagedCatalog:
    """The AWS managed policies, read from the data files on first use (not at start-up)."""

    def __init__(self, directory: Path = _DIR) -> None:
        self._directory = directory

    @classmethod
    def load(cls, directory: Path = _DIR) -> ManagedCatalog:
        return cls(directory)

    @functools.cached_property
    def _by_arn(self) -> dict[str, AwsPolicy]:
        policies: dict[str, AwsPolicy] = {}
        for path in sorted(self._directory.glob("*.json")):
            doc = json.loads(path.read_text())
            name = str(doc["PolicyName"])
            policy = ManagedPolicy(
                account_id=AWS_ACCOUNT,
                name=name,
                policy_id=str(doc.get("PolicyId") or _derived_id(name)),
                path=str(doc.get("Path") or "/"),
                default_version=str(doc["DefaultVersionId"]),
                created_at=_epoch(str(doc["CreateDate"])),
                updated_at=_epoch(str(doc["UpdateDate"])),
                description=doc.get("Description"),
            )
            document = json.dumps(doc["Document"], indent=4)
            policies[policy.arn] = AwsPolicy(policy, document)
        return policies

    def get(self, arn: str) -> AwsPolicy | None:
        return self._by_arn.get(arn)

    def all(self) -> list[AwsPolicy]:
        return sorted(self._by_arn.values(), key=lambda p: p.policy.name.lower())

    @staticmethod
    def is_aws_arn(arn: str) -> bool:
        return arn.startswith(ARN_PREFIX + "/")
