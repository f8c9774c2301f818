"""Access keys: at most two per user (and per root user), Active or Inactive."""

from __future__ import annotations

from fogbank.core import ids
from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.iam import errors, validate
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.models import AccessKey, stamp
from fogbank.services.iam.ops import common
from fogbank.services.iam.store import keys as key_store
from fogbank.services.iam.usage import UsageRecorder
from fogbank.storage.db import Conn


def _owner(ctx: RequestContext, params: Params) -> str | None:
    """The user a key call is about; None for the root user's own keys."""
    name = common.text(params, "UserName")
    if name is not None:
        return validate.name("userName", name, 128)
    own = common.caller_user_name(ctx)
    if own is None and not ctx.principal.is_root:
        raise errors.validation("Must specify userName when calling with non-User credentials")
    return own


def _keys_of(conn: Conn, account: str, owner: str | None) -> tuple[str | None, list[AccessKey]]:
    if owner is None:
        return None, key_store.of_root(conn, account)
    user = common.need_user(conn, account, owner)
    return user.name, key_store.of_user(conn, account, user.name)


def _status(params: Params) -> str:
    status = common.required(params, "Status")
    if status not in ("Active", "Inactive"):
        raise errors.constraint("status", status, "must satisfy enum value set: [Active, Inactive]")
    return status


def _metadata(key: AccessKey) -> dict[str, object]:
    out: dict[str, object] = {
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": stamp(key.created_at),
    }
    if key.user_name is not None:
        out["UserName"] = key.user_name
    return out


async def create_access_key(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    account = ctx.account_id
    owner = _owner(ctx, params)
    secret = ids.secret_access_key()
    key_id = ids.access_key_id("AKIA")

    def apply(conn: Conn) -> AccessKey:
        user_name, existing = _keys_of(conn, account, owner)
        if len(existing) >= common.KEYS_PER_USER:
            raise errors.quota("AccessKeysPerUser", common.KEYS_PER_USER)
        key = AccessKey(key_id, account, user_name, "Active", iam.now())
        key_store.insert(conn, key, secret)
        return key

    key = await iam.write(apply)
    out = _metadata(key)
    out["SecretAccessKey"] = secret
    return {"AccessKey": out}


async def list_access_keys(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    owner = _owner(ctx, params)
    _, keys = await iam.read(lambda conn: _keys_of(conn, ctx.account_id, owner))
    shown, marker = common.paginate(keys, lambda k: k.access_key_id, params)
    return common.page("AccessKeyMetadata", [_metadata(k) for k in shown], marker)


def _find(conn: Conn, account: str, owner: str | None, key_id: str) -> AccessKey:
    _, keys = _keys_of(conn, account, owner)
    for key in keys:
        if key.access_key_id == key_id:
            return key
    raise errors.no_such_entity(f"The Access Key with id {key_id} cannot be found.")


async def update_access_key(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    owner = _owner(ctx, params)
    key_id = common.required(params, "AccessKeyId")
    status = _status(params)

    def apply(conn: Conn) -> None:
        _find(conn, ctx.account_id, owner, key_id)
        key_store.set_status(conn, key_id, status)

    await iam.write(apply)
    return {}


async def delete_access_key(iam: IamEngine, ctx: RequestContext, params: Params) -> Output:
    owner = _owner(ctx, params)
    key_id = common.required(params, "AccessKeyId")

    def apply(conn: Conn) -> None:
        _find(conn, ctx.account_id, owner, key_id)
        key_store.delete(conn, key_id)

    await iam.write(apply)
    return {}


async def get_access_key_last_used(
    iam: IamEngine, usage: UsageRecorder, ctx: RequestContext, params: Params
) -> Output:
    key_id = common.required(params, "AccessKeyId")
    await usage.flush()  # this process's recent uses first
    key = await iam.read(lambda conn: key_store.get(conn, key_id))
    if key is None or key.account_id != ctx.account_id:
        raise errors.no_such_entity(f"The Access Key with id {key_id} cannot be found.")
    last: dict[str, object] = {"ServiceName": "N/A", "Region": "N/A"}
    if key.last_used_at is not None:
        last = {
            "LastUsedDate": stamp(key.last_used_at),
            "ServiceName": key.last_used_service or "N/A",
            "Region": key.last_used_region or "N/A",
        }
    out: dict[str, object] = {"AccessKeyLastUsed": last}
    if key.user_name is not None:
        out["UserName"] = key.user_name
    return out
