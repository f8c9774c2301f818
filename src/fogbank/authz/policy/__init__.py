"""The IAM policy language and its evaluator: pure code, no I/O.

Parse once (:func:`parse_policy`), keep the :class:`Policy`, and call :func:`evaluate` per
request; :func:`denial_message` words a denial as AWS does and :mod:`.simulate` backs IAM's
policy simulator with the same evaluator.
"""

from fogbank.authz.policy.context import (
    AuthzRequest,
    CallerKind,
    ContextValue,
    PrincipalInfo,
    Scalar,
    SessionInfo,
    principal_keys,
)
from fogbank.authz.policy.decision import (
    Decision,
    DecisionKind,
    PolicySet,
    PolicyType,
    StatementRef,
)
from fogbank.authz.policy.document import parse_policy
from fogbank.authz.policy.errors import PolicyError, PolicyErrorReason
from fogbank.authz.policy.evaluate import evaluate
from fogbank.authz.policy.messages import denial_message
from fogbank.authz.policy.model import Effect, Policy, PolicyKind, Position, Statement
from fogbank.authz.policy.simulate import (
    ContextEntry,
    MatchedStatement,
    SimulationResult,
    context_from_entries,
    simulate,
    simulate_custom,
)

__all__ = [
    "AuthzRequest",
    "CallerKind",
    "ContextEntry",
    "ContextValue",
    "Decision",
    "DecisionKind",
    "Effect",
    "MatchedStatement",
    "Policy",
    "PolicyError",
    "PolicyErrorReason",
    "PolicyKind",
    "PolicySet",
    "PolicyType",
    "Position",
    "PrincipalInfo",
    "Scalar",
    "SessionInfo",
    "SimulationResult",
    "Statement",
    "StatementRef",
    "context_from_entries",
    "denial_message",
    "evaluate",
    "parse_policy",
    "principal_keys",
    "simulate",
    "simulate_custom",
]
