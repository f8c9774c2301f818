"""query protocol requests (IAM, STS, RDS): ``Action``/``Version`` and flattened parameters
in the query string and/or a form-encoded body.

Keys are split on dots into a tree (``Tags.member.1.Key`` -> Tags/member/1/Key) that is then
walked with the input shape: structures by member name (``locationName``), lists as
``Name.member.N`` (or ``Name.N`` when flattened, the member's own name replacing the
list's), maps as ``Name.entry.N.key/value``; an empty list travels as ``Name=``. The EC2
dialect (``parse/ec2.py``) changes only the naming and list rules.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fogbank.protocol.errors import (
    InvalidValue,
    MalformedBody,
    MissingOperation,
    MissingParameter,
    UnknownOperation,
)
from fogbank.protocol.http import HttpRequest
from fogbank.protocol.parse import Params, RequestParser, read_document, text_to_value
from fogbank.protocol.plan import LIST, MAP, STRUCTURE, OperationPlan, Ref, Shape


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, _Node] = {}


def build_tree(pairs: list[tuple[str, str]]) -> _Node:
    root = _Node()
    for key, value in pairs:
        node = root
        for part in key.split("."):
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = _Node()
            node = child
        node.value = value
    return root


def _indexed(node: _Node) -> list[_Node]:
    """Children named 1, 2, 3 ... in numeric order (other names are ignored)."""
    numbered = [(int(k), v) for k, v in node.children.items() if k.isdigit()]
    numbered.sort(key=lambda kv: kv[0])
    return [v for _, v in numbered]


class QueryParser(RequestParser):
    ec2 = False

    async def parse(self, request: HttpRequest) -> tuple[str, Params]:
        pairs = await self._pairs(request)
        action = next((v for k, v in reversed(pairs) if k == "Action"), None)
        if not action:
            raise MissingOperation()
        if not self.ctx.has_operation(action):
            raise UnknownOperation(operation=action[:128])
        plan = self.ctx.operation(action)
        return action, self._params(pairs, plan)

    async def parse_as(self, request: HttpRequest, operation: OperationPlan) -> Params:
        return self._params(await self._pairs(request), operation)

    @staticmethod
    async def _pairs(request: HttpRequest) -> list[tuple[str, str]]:
        pairs = list(request.query)
        if request.method not in ("GET", "HEAD"):
            data = await read_document(request)
            if data:
                try:
                    text = data.decode("utf-8")
                    pairs.extend(parse_qsl(text, keep_blank_values=True, errors="strict"))
                except (UnicodeDecodeError, ValueError) as exc:
                    raise MalformedBody() from exc
        return pairs

    def _params(self, pairs: list[tuple[str, str]], plan: OperationPlan) -> Params:
        if plan.input is None:
            return {}
        try:
            return self._structure(build_tree(pairs), plan.input.shape, "")
        except RecursionError as exc:
            raise MalformedBody() from exc

    # --- walking the tree with the shape ----------------------------------------------

    def _structure(self, node: _Node, shape: Shape, path: str) -> Params:
        names = shape.ec2_names if self.ec2 else shape.query_names
        out: Params = {}
        for key, child in node.children.items():
            ref = names.get(key)
            if ref is not None:
                out[ref.name] = self._value(child, ref, path + key)
        for name in shape.required:
            if name not in out:
                ref = shape.members[name]
                raise MissingParameter(name=path + (ref.ec2_name if self.ec2 else ref.xml_name))
        return out

    def _value(self, node: _Node, ref: Ref, path: str) -> object:
        shape = ref.shape
        kind = shape.type
        if kind == STRUCTURE:
            return self._structure(node, shape, path + ".")
        if kind == LIST:
            return self._list(node, ref, path)
        if kind == MAP:
            return self._map(node, ref, path)
        if node.value is None:
            raise InvalidValue(name=path, value="", type=kind)
        try:
            return text_to_value(ref, node.value)
        except ValueError as exc:
            raise InvalidValue(name=path, value=node.value, type=kind) from exc

    def _list(self, node: _Node, ref: Ref, path: str) -> list[object]:
        member = ref.shape.member
        assert member is not None
        if self.ec2 or ref.flattened:
            items, prefix = node, path
        else:
            name = member.location_name or "member"
            found = node.children.get(name)
            if found is None:
                return []  # "Name=" is how an empty list travels
            items, prefix = found, f"{path}.{name}"
        return [
            self._value(child, member, f"{prefix}.{i}")
            for i, child in enumerate(_indexed(items), 1)
        ]

    def _map(self, node: _Node, ref: Ref, path: str) -> dict[object, object]:
        shape = ref.shape
        assert shape.key is not None and shape.value is not None
        if not ref.flattened:
            found = node.children.get("entry")
            if found is None:
                return {}
            node, path = found, path + ".entry"
        key_name = shape.key.location_name or "key"
        value_name = shape.value.location_name or "value"
        out: dict[object, object] = {}
        for i, entry in enumerate(_indexed(node), 1):
            key_node = entry.children.get(key_name)
            if key_node is None:
                raise MissingParameter(name=f"{path}.{i}.{key_name}")
            key = self._value(key_node, shape.key, f"{path}.{i}.{key_name}")
            value_node = entry.children.get(value_name)
            if value_node is not None:
                out[key] = self._value(value_node, shape.value, f"{path}.{i}.{value_name}")
        return out
