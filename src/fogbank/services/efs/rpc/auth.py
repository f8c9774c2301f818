"""Mount authentication and authorization: who the client is and what it may do.

With ``--iam`` the client signs, with SigV4 and its AWS credentials, a ``Connect``
request over a one-time challenge the server sent on this connection (in the spirit of
efs-utils, which signs over its TLS certificate's key hash); the server recomputes the
signature with the secret of the key id (``CredentialLookup``). An authorizer callback
(the file system policy, evaluated by IAM's pure evaluator) then grants ClientMount,
ClientWrite and ClientRootAccess. Without ``--iam`` the client is anonymous.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from fogbank.core.principal import Principal

CLIENT_MOUNT = "elasticfilesystem:ClientMount"
CLIENT_WRITE = "elasticfilesystem:ClientWrite"
CLIENT_ROOT_ACCESS = "elasticfilesystem:ClientRootAccess"
ALL_CLIENT_ACTIONS = frozenset({CLIENT_MOUNT, CLIENT_WRITE, CLIENT_ROOT_ACCESS})
SERVICE = "elasticfilesystem"
MAX_SKEW_S = 15 * 60


@dataclass(frozen=True)
class PosixUser:
    uid: int
    gid: int
    secondary_gids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CreationInfo:
    owner_uid: int
    owner_gid: int
    permissions: int  # octal mode bits, e.g. 0o755


@dataclass(frozen=True)
class AccessPoint:
    access_point_id: str
    fs_id: str
    posix_user: PosixUser | None = None
    root_path: str = "/"
    creation_info: CreationInfo | None = None
    arn: str = ""


@dataclass(frozen=True)
class MountRequest:
    """What the authorizer decides on (the policy's condition keys come from here)."""

    fs_id: str
    principal: Principal | None  # None: anonymous (no --iam)
    access_point: AccessPoint | None
    secure_transport: bool = False
    via_mount_target: bool = True
    source_ip: str | None = None  # the client's address (aws:SourceIp)


@dataclass(frozen=True)
class Admission:
    """Whether the mount target's security groups let a client connect, and why not."""

    allowed: bool
    message: str = ""


# Returns the subset of ALL_CLIENT_ACTIONS that the file system policy allows.
Authorizer = Callable[[MountRequest], Awaitable[frozenset[str]]]
AccessPointLookup = Callable[[str, str], Awaitable[AccessPoint | None]]  # (fs_id, fsap_id)
# (client ip, mount target port) -> the security groups' answer
Admit = Callable[[str, int], Awaitable[Admission]]


async def allow_all(request: MountRequest) -> frozenset[str]:
    """EFS's default: with no file system policy, any client gets full access."""
    return ALL_CLIENT_ACTIONS


async def admit_all(client_ip: str, port: int) -> Admission:
    return Admission(True)


async def no_access_points(fs_id: str, access_point_id: str) -> AccessPoint | None:
    return None


@dataclass(frozen=True)
class SignedConnect:
    access_key_id: str
    amz_date: str  # YYYYMMDD'T'HHMMSS'Z'
    region: str
    signature: str
    session_token: str | None = None


def _canonical(
    fs_id: str, challenge: bytes, access_key_id: str, amz_date: str, region: str, token: str | None
) -> tuple[str, str]:
    scope = f"{amz_date[:8]}/{region}/{SERVICE}/aws4_request"
    query = {
        "Action": "Connect",
        "Challenge": challenge.hex(),
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{access_key_id}/{scope}",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": "86400",
        "X-Amz-SignedHeaders": "host",
    }
    if token:
        query["X-Amz-Security-Token"] = token
    qs = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query.items())
    )
    empty = hashlib.sha256(b"").hexdigest()
    request = f"GET\n/\n{qs}\nhost:{fs_id}\n\nhost\n{empty}"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(request.encode()).hexdigest()]
    )
    return scope, to_sign


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def compute_signature(
    secret: str,
    fs_id: str,
    challenge: bytes,
    access_key_id: str,
    amz_date: str,
    region: str,
    token: str | None,
) -> str:
    scope, to_sign = _canonical(fs_id, challenge, access_key_id, amz_date, region, token)
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = _hmac(key, part)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def sign_connect(
    access_key_id: str,
    secret: str,
    token: str | None,
    fs_id: str,
    challenge: bytes,
    region: str,
    now: float | None = None,
) -> SignedConnect:
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now if now is not None else time.time()))
    sig = compute_signature(secret, fs_id, challenge, access_key_id, amz_date, region, token)
    return SignedConnect(access_key_id, amz_date, region, sig, token)


def date_ok(amz_date: str, now: float) -> bool:
    try:
        signed = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return False
    return abs(now - signed) <= MAX_SKEW_S
