"""DescribeAccountAttributes (quotas and what is used of them) and DescribeCertificates.

fogbank's endpoints do not offer TLS yet, so there is no certificate authority to list:
DescribeCertificates answers an empty list rather than a made-up CA.
"""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.rds import errors, group_store, quotas, store
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.ops.common import Params, filters, max_records, scope, text
from fogbank.storage.db import Conn

Output = dict[str, object]


async def describe_account_attributes(
    rds: RdsBackend, ctx: RequestContext, params: Params
) -> Output:
    sc = scope(ctx)
    groups = await rds.subnet_groups.describe(sc)

    def usage(conn: Conn) -> dict[str, int]:
        instances = store.list_instances(conn, sc)
        return {
            "DBInstances": len(instances),
            "AllocatedStorage": sum(r.instance.allocated_storage for r in instances),
            "DBParameterGroups": len(group_store.list_groups(conn, sc)),
            "DBSubnetGroups": len(groups),
            "SubnetsPerDBSubnetGroup": max((len(g.subnets) for g in groups), default=0),
        }

    used = await rds.db.read(usage)
    return {
        "AccountQuotas": [
            {"AccountQuotaName": name, "Used": used[name], "Max": limit}
            for name, limit in quotas.QUOTAS
        ]
    }


async def describe_certificates(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    filters(params, ("certificate-id",))
    max_records(params)
    name = text(params, "CertificateIdentifier")
    if name:
        raise errors.certificate_not_found(name)
    return {"Certificates": []}
