"""Allow / deny basics, actions, resources, NotAction, NotResource, policy variables."""

from __future__ import annotations

from fogbank.authz.policy import PolicyType

from . import (
    ALICE,
    CARLOS,
    DEV_SESSION,
    Case,
    allow,
    aws,
    deny,
    doc,
    stmt,
)

IDN = PolicyType.IDENTITY
OBJ = "arn:aws:s3:::b/k"

CASES: list[Case] = [
    # --- reference_policies_evaluation-logic.md, "Determining whether a request is allowed
    # or denied within an account": implicit deny by default, an allow overrides it, an
    # explicit deny in any policy overrides any allow. -------------------------------------
    Case("no policies: implicit deny", "s3:GetObject", OBJ, "implicit", why=IDN),
    Case(
        "identity allow",
        "s3:GetObject",
        OBJ,
        "allow",
        identity=(doc(allow("s3:GetObject", OBJ)),),
    ),
    Case(
        "identity allow for another action",
        "s3:PutObject",
        OBJ,
        "implicit",
        identity=(doc(allow("s3:GetObject", OBJ)),),
        why=IDN,
    ),
    Case(
        "deny in the same policy wins",
        "s3:GetObject",
        OBJ,
        "explicit",
        identity=(doc(allow("s3:*"), deny("s3:GetObject", OBJ)),),
        why=IDN,
    ),
    Case(
        "deny in another attached policy wins",
        "s3:GetObject",
        OBJ,
        "explicit",
        identity=(doc(allow("*")), doc(deny("s3:*"))),
        why=IDN,
    ),
    Case(
        "deny alone is still an explicit deny",
        "s3:GetObject",
        OBJ,
        "explicit",
        identity=(doc(deny("s3:GetObject")),),
        why=IDN,
    ),
    Case(
        "deny for another resource does not apply",
        "s3:GetObject",
        OBJ,
        "allow",
        identity=(doc(allow("s3:*"), deny("s3:*", "arn:aws:s3:::other/*")),),
    ),
    Case(
        "allow for another resource",
        "s3:GetObject",
        OBJ,
        "implicit",
        identity=(doc(allow("s3:GetObject", "arn:aws:s3:::other/*")),),
        why=IDN,
    ),
    # --- reference_policies_evaluation-logic.md, "Example identity-based and
    # resource-based policy evaluation" (Carlos). ------------------------------------------
    *[
        Case(
            name,
            "s3:PutObject",
            resource,
            expect,
            identity=(
                doc(
                    stmt(
                        "Allow",
                        ["s3:GetBucketLocation", "s3:ListAllMyBuckets"],
                        "arn:aws:s3:::*",
                        sid="AllowS3ListRead",
                    ),
                    stmt(
                        "Allow",
                        "s3:*",
                        ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
                        sid="AllowS3Self",
                    ),
                    stmt("Deny", "s3:*", "arn:aws:s3:::*log*", sid="DenyS3Logs"),
                ),
            )
            if with_identity
            else (),
            resource_policy=doc(
                stmt(
                    "Allow",
                    "s3:*",
                    ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
                    principal=aws("arn:aws:iam::111122223333:user/carlossalazar"),
                )
            ),
            caller=CARLOS,
            resource_account="111122223333",
            why=why,
        )
        for name, resource, with_identity, expect, why in [
            (
                "Carlos: *log* bucket is denied by DenyS3Logs",
                "arn:aws:s3:::carlossalazar-logs/f",
                True,
                "explicit",
                IDN,
            ),
            ("Carlos: own bucket allowed", "arn:aws:s3:::carlossalazar/f", True, "allow", None),
            (
                "Carlos: bucket policy alone allows (same account)",
                "arn:aws:s3:::carlossalazar/f",
                False,
                "allow",
                None,
            ),
        ]
    ],
    # --- reference_policies_evaluation-logic.md, "The difference between explicit and
    # implicit denies" (AllowGetList / DenyReports). ---------------------------------------
    *[
        Case(
            f"AllowGetList/DenyReports: {action}",
            action,
            "*",
            expect,
            identity=(
                doc(
                    stmt("Allow", ["iam:Get*", "iam:List*"], "*", sid="AllowGetList"),
                    stmt("Deny", "iam:*Report", "*", sid="DenyReports"),
                ),
            ),
            why=None if expect == "allow" else IDN,
        )
        for action, expect in [
            ("iam:GetUser", "allow"),
            ("iam:ListUsers", "allow"),
            ("iam:CreatePolicy", "implicit"),
            ("iam:GetOrganizationsAccessReport", "explicit"),
            ("iam:GenerateCredentialReport", "explicit"),
        ]
    ],
    # --- reference_policies_elements_action.md: case-insensitive, * and ? wildcards. ------
    *[
        Case(
            f"action {pattern!r} vs {action}",
            action,
            "*",
            expect,
            identity=(doc(allow(pattern)),),
            why=None if expect == "allow" else IDN,
        )
        for pattern, action, expect in [
            ("s3:*", "s3:GetObject", "allow"),
            ("*", "kms:Decrypt", "allow"),
            ("S3:getobject", "s3:GetObject", "allow"),
            ("s3:GetObject", "S3:GETOBJECT", "allow"),
            ("s3:Get*", "s3:PutObject", "implicit"),
            ("s3:Get?bject", "s3:GetObject", "allow"),
            ("s3:Get?bject", "s3:GetObjects", "implicit"),
            ("iam:*AccessKey*", "iam:CreateAccessKey", "allow"),
            ("iam:*AccessKey*", "iam:ListAccessKeys", "allow"),
            ("iam:*AccessKey*", "iam:GetUser", "implicit"),
            ("s3:*Object*", "s3:PutObjectAcl", "allow"),
            ("ec2:*", "ec2messages:GetMessages", "implicit"),
            ("s3:[G]etObject", "s3:GetObject", "implicit"),  # no character classes
            ("s3:GetObject", "s3:GetObjectAcl", "implicit"),
        ]
    ],
    # --- reference_policies_elements_notaction.md ------------------------------------------
    Case(
        "Allow NotAction iam:* allows s3",
        "s3:GetObject",
        OBJ,
        "allow",
        identity=(doc(stmt("Allow", "iam:*", "*", not_action=True)),),
    ),
    Case(
        "Allow NotAction iam:* does not allow iam",
        "iam:CreateUser",
        "*",
        "implicit",
        identity=(doc(stmt("Allow", "iam:*", "*", not_action=True)),),
        why=IDN,
    ),
    Case(
        "Allow NotAction is case-insensitive too",
        "iam:GetUser",
        "*",
        "implicit",
        identity=(doc(stmt("Allow", "IAM:*", "*", not_action=True)),),
        why=IDN,
    ),
    Case(
        "Deny NotAction denies everything else",
        "s3:GetObject",
        OBJ,
        "explicit",
        identity=(doc(allow("*"), stmt("Deny", ["iam:*", "sts:*"], "*", not_action=True)),),
        why=IDN,
    ),
    Case(
        "Deny NotAction leaves the listed actions",
        "sts:GetCallerIdentity",
        "*",
        "allow",
        identity=(doc(allow("*"), stmt("Deny", ["iam:*", "sts:*"], "*", not_action=True)),),
    ),
    # --- reference_policies_elements_resource.md: wildcards within ARN segments, never
    # spanning them; the resource part is one segment. --------------------------------------
    *[
        Case(
            f"resource {pattern} vs {resource}",
            "s3:GetObject" if ":s3:" in resource or resource == "*" else "svc:Do",
            resource,
            expect,
            identity=(doc(allow(["s3:GetObject", "svc:Do"], pattern)),),
            why=None if expect == "allow" else IDN,
        )
        for pattern, resource, expect in [
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", "allow"),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", "implicit"),
            ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket-logs/x", "allow"),
            ("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/a.txt", "allow"),
            ("arn:aws:s3:::b/?.txt", "arn:aws:s3:::b/ab.txt", "implicit"),
            ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x", "implicit"),
            ("*", "*", "allow"),
            (
                "arn:aws:iam::123456789012:user/accounting/*",
                "arn:aws:iam::123456789012:user/accounting/bob",
                "allow",
            ),
            (
                "arn:aws:iam::123456789012:user/accounting/*",
                "arn:aws:iam::123456789012:user/bob",
                "implicit",
            ),
            (
                "arn:aws:sqs:*:123456789012:queue1",
                "arn:aws:sqs:us-east-2:123456789012:queue1",
                "allow",
            ),
            (
                "arn:aws:sqs:*:123456789012:queue1",
                "arn:aws:sqs:us-east-2:999999999999:queue1",
                "implicit",
            ),
            (
                "arn:aws:someservice:*:111122223333:finance/*",
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/d",
                "implicit",
            ),
            (
                "arn:aws:logs:us-east-1:123456789012:log-group:*",
                "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s1",
                "allow",
            ),
            (
                "arn:aws:dynamodb:us-east-2:123456789012:table/books_table",
                "arn:aws:dynamodb:us-east-2:123456789012:table/magazines_table",
                "implicit",
            ),
        ]
    ],
    Case(
        "second of several resources matches",
        "s3:GetObject",
        "arn:aws:s3:::two/k",
        "allow",
        identity=(doc(allow("s3:GetObject", ["arn:aws:s3:::one/*", "arn:aws:s3:::two/*"])),),
    ),
    # --- reference_policies_elements_notresource.md ----------------------------------------
    Case(
        "Allow NotResource: other resources allowed",
        "s3:GetObject",
        OBJ,
        "allow",
        identity=(doc(stmt("Allow", "s3:*", "arn:aws:s3:::secret/*", not_resource=True)),),
    ),
    Case(
        "Allow NotResource: listed resource not allowed",
        "s3:GetObject",
        "arn:aws:s3:::secret/k",
        "implicit",
        identity=(doc(stmt("Allow", "s3:*", "arn:aws:s3:::secret/*", not_resource=True)),),
        why=IDN,
    ),
    Case(
        "Deny NotResource: everything but mine is denied",
        "s3:GetObject",
        OBJ,
        "explicit",
        identity=(
            doc(
                allow("s3:*"),
                stmt(
                    "Deny",
                    "s3:*",
                    ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"],
                    not_resource=True,
                ),
            ),
        ),
        why=IDN,
    ),
    Case(
        "Deny NotResource: mine is not denied",
        "s3:GetObject",
        "arn:aws:s3:::mine/k",
        "allow",
        identity=(
            doc(
                allow("s3:*"),
                stmt(
                    "Deny",
                    "s3:*",
                    ["arn:aws:s3:::mine", "arn:aws:s3:::mine/*"],
                    not_resource=True,
                ),
            ),
        ),
    ),
    # --- reference_policies_variables.md: "Introduction", "Resource element", "Special
    # characters", "Specifying default values", and Version 2012-10-17 only. ----------------
    *[
        Case(
            f"variable {pattern} vs {resource} ({label})",
            "s3:GetObject",
            resource,
            expect,
            identity=(doc(allow("s3:GetObject", pattern), version=version),),
            caller=caller,
            why=None if expect == "allow" else IDN,
        )
        for label, pattern, resource, caller, version, expect in [
            (
                "own home",
                "arn:aws:s3:::mybucket/${aws:username}/*",
                "arn:aws:s3:::mybucket/alice/x",
                ALICE,
                "2012-10-17",
                "allow",
            ),
            (
                "someone else's home",
                "arn:aws:s3:::mybucket/${aws:username}/*",
                "arn:aws:s3:::mybucket/bob/x",
                ALICE,
                "2012-10-17",
                "implicit",
            ),
            (
                "roles have no aws:username",
                "arn:aws:s3:::mybucket/${aws:username}/*",
                "arn:aws:s3:::mybucket/dev/x",
                DEV_SESSION,
                "2012-10-17",
                "implicit",
            ),
            (
                "default value",
                "arn:aws:s3:::mybucket/${aws:username, 'anonymous'}/*",
                "arn:aws:s3:::mybucket/anonymous/x",
                DEV_SESSION,
                "2012-10-17",
                "allow",
            ),
            (
                "default unused when resolvable",
                "arn:aws:s3:::mybucket/${aws:username, 'anonymous'}/*",
                "arn:aws:s3:::mybucket/anonymous/x",
                ALICE,
                "2012-10-17",
                "implicit",
            ),
            (
                "principal tag",
                "arn:aws:s3:::bucket/${aws:PrincipalTag/department}",
                "arn:aws:s3:::bucket/eng",
                ALICE,
                "2012-10-17",
                "allow",
            ),
            (
                "variable names are case-insensitive",
                "arn:aws:s3:::bucket/${AWS:PRINCIPALTAG/Department}",
                "arn:aws:s3:::bucket/eng",
                ALICE,
                "2012-10-17",
                "allow",
            ),
            (
                "missing tag",
                "arn:aws:s3:::bucket/${aws:PrincipalTag/cost-center}",
                "arn:aws:s3:::bucket/",
                ALICE,
                "2012-10-17",
                "implicit",
            ),
            (
                "aws:userid of a role session",
                "arn:aws:s3:::b/${aws:userid}/*",
                "arn:aws:s3:::b/AROAEXAMPLEROLEID0001:alice-session/f",
                DEV_SESSION,
                "2012-10-17",
                "allow",
            ),
            (
                "2008-10-17: variables are literal",
                "arn:aws:s3:::mybucket/${aws:username}/*",
                "arn:aws:s3:::mybucket/alice/x",
                ALICE,
                "2008-10-17",
                "implicit",
            ),
            (
                "2008-10-17: the literal text matches",
                "arn:aws:s3:::mybucket/${aws:username}/*",
                "arn:aws:s3:::mybucket/${aws:username}/x",
                ALICE,
                "2008-10-17",
                "allow",
            ),
            (
                "no Version: variables are literal",
                "arn:aws:s3:::mybucket/${aws:username}/*",
                "arn:aws:s3:::mybucket/alice/x",
                ALICE,
                None,
                "implicit",
            ),
            (
                "${*} is a literal asterisk",
                "arn:aws:s3:::b/star${*}",
                "arn:aws:s3:::b/star*",
                ALICE,
                "2012-10-17",
                "allow",
            ),
            (
                "${*} is not a wildcard",
                "arn:aws:s3:::b/star${*}",
                "arn:aws:s3:::b/starX",
                ALICE,
                "2012-10-17",
                "implicit",
            ),
            (
                "${?} is a literal question mark",
                "arn:aws:s3:::b/q${?}",
                "arn:aws:s3:::b/q?",
                ALICE,
                "2012-10-17",
                "allow",
            ),
            (
                "${?} is not a wildcard",
                "arn:aws:s3:::b/q${?}",
                "arn:aws:s3:::b/qx",
                ALICE,
                "2012-10-17",
                "implicit",
            ),
            (
                "${$} is a literal dollar",
                "arn:aws:s3:::b/${$}HOME",
                "arn:aws:s3:::b/$HOME",
                ALICE,
                "2012-10-17",
                "allow",
            ),
        ]
    ],
]
