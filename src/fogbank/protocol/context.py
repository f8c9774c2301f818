"""One service's compiled wire facts, shared by its parser and serializer."""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.protocol.catalog import ServiceInfo
from fogbank.protocol.corrections import Corrections
from fogbank.protocol.errors import ErrorVocabulary
from fogbank.protocol.plan import OperationPlan, Shape, ShapeCompiler, compile_operation

JsonDict = Mapping[str, object]


class ServiceContext:
    """The model of one service, compiled lazily operation by operation."""

    def __init__(self, info: ServiceInfo, raw_model: JsonDict, corrections: Corrections) -> None:
        self.info = info
        self.corrections = corrections
        self.vocabulary = ErrorVocabulary(corrections.errors)
        metadata = raw_model.get("metadata", {})
        operations = raw_model.get("operations", {})
        shapes = raw_model.get("shapes", {})
        assert isinstance(metadata, Mapping)
        assert isinstance(operations, Mapping)
        assert isinstance(shapes, Mapping)
        self.metadata: JsonDict = metadata
        self._raw_operations: JsonDict = operations
        self._raw_shapes: JsonDict = shapes
        self.compiler = ShapeCompiler(shapes)
        self._operations: dict[str, OperationPlan] = {}
        self._errors_by_code: dict[str, Shape] | None = None
        namespace = corrections.xml_namespace or metadata.get("xmlNamespace")
        self.xml_namespace: str | None = namespace if isinstance(namespace, str) else None
        api_version = metadata.get("apiVersion")
        self.api_version = api_version if isinstance(api_version, str) else info.api_version

    def operation_names(self) -> list[str]:
        return list(self._raw_operations)

    def has_operation(self, name: str) -> bool:
        return name in self._raw_operations

    def operation(self, name: str) -> OperationPlan:
        plan = self._operations.get(name)
        if plan is None:
            raw = self._raw_operations[name]
            assert isinstance(raw, Mapping)
            plan = compile_operation(self.compiler, name, raw)
            self._operations[name] = plan
        return plan

    def error_shape(self, code: str) -> Shape | None:
        """The modeled error shape for a wire error code (botocore's rule: the shape's
        ``error.code`` when it has one, else its name)."""
        if self._errors_by_code is None:
            index: dict[str, Shape] = {}
            for name, raw in self._raw_shapes.items():
                if isinstance(raw, Mapping) and raw.get("exception"):
                    shape = self.compiler.shape(name)
                    index[shape.error_code or name] = shape
            self._errors_by_code = index
        return self._errors_by_code.get(code)
