"""The protocol layer's API: per service, parse a request into an ``OperationCall`` and
serialize an output or an ``AwsError`` into an ``HttpResponse``, driven by botocore's model.

Models are loaded on a service's first use (``Specs.get``) and compiled lazily; importing
this module imports neither botocore nor any parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fogbank.core.errors import AwsError
from fogbank.protocol import corrections
from fogbank.protocol.catalog import BY_NAME, ServiceInfo
from fogbank.protocol.context import ServiceContext
from fogbank.protocol.errors import WireError
from fogbank.protocol.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from botocore.model import ServiceModel

    from fogbank.protocol.parse import RequestParser
    from fogbank.protocol.serialize import ResponseSerializer


@dataclass(frozen=True)
class OperationCall:
    service: str  # catalog name, e.g. "s3"
    operation: str  # e.g. "GetObject"
    params: dict[str, object]  # input shape members by their model names


class ServiceProtocol:
    """One service's wire protocol: its generic parser and serializer over its model."""

    def __init__(self, info: ServiceInfo, model: ServiceModel, raw_model: Mapping[str, object]):
        self.info = info
        self.model = model
        self.context = ServiceContext(info, raw_model, corrections.load(info.name, info.protocol))
        self._parser, self._serializer = _family(info.protocol, self.context)

    def operation_names(self) -> list[str]:
        return self.context.operation_names()

    async def parse(self, request: HttpRequest) -> OperationCall:
        """The operation a request calls and its params; raises ``AwsError`` in this
        protocol's terms (``MalformedXML``, ``InvalidAction``, ``SerializationException``...)."""
        try:
            operation, params = await self._parser.parse(request)
        except WireError as exc:
            raise self._wire_error(exc, request) from None
        return OperationCall(self.info.name, operation, params)

    async def parse_as(self, request: HttpRequest, operation: str) -> OperationCall:
        """Parse a request known to call ``operation`` (no routing): for operations that
        share their wire form with another (S3's deprecated GetBucketLifecycle)."""
        try:
            params = await self._parser.parse_as(request, self.context.operation(operation))
        except WireError as exc:
            raise self._wire_error(exc, request) from None
        return OperationCall(self.info.name, operation, params)

    def serialize(
        self, call: OperationCall, output: Mapping[str, object], request_id: str
    ) -> HttpResponse:
        return self._serializer.serialize(
            self.context.operation(call.operation), output, request_id
        )

    def serialize_error(
        self,
        error: AwsError,
        request_id: str,
        call: OperationCall | None = None,
        method: str = "GET",
    ) -> HttpResponse:
        plan = self.context.operation(call.operation) if call is not None else None
        return self._serializer.serialize_error(error, request_id, plan, method.upper())

    def modeled_status(self, code: str) -> int | None:
        """The HTTP status the model gives the error ``code`` (``NoSuchKey`` -> 404)."""
        shape = self.context.error_shape(code)
        return shape.error_status if shape is not None else None

    def _wire_error(self, exc: WireError, request: HttpRequest) -> AwsError:
        exc.extra.setdefault("method", request.method)
        return self.context.vocabulary.error(exc)


def _family(protocol: str, ctx: ServiceContext) -> tuple[RequestParser, ResponseSerializer]:
    if protocol == "rest-xml":
        from fogbank.protocol.parse.rest_xml import RestXmlParser
        from fogbank.protocol.serialize.rest_xml import RestXmlSerializer

        return RestXmlParser(ctx), RestXmlSerializer(ctx)
    if protocol == "rest-json":
        from fogbank.protocol.parse.rest_json import RestJsonParser
        from fogbank.protocol.serialize.rest_json import RestJsonSerializer

        return RestJsonParser(ctx), RestJsonSerializer(ctx)
    if protocol == "query":
        from fogbank.protocol.parse.query import QueryParser
        from fogbank.protocol.serialize.query import QuerySerializer

        return QueryParser(ctx), QuerySerializer(ctx)
    if protocol == "ec2":
        from fogbank.protocol.parse.ec2 import Ec2Parser
        from fogbank.protocol.serialize.ec2 import Ec2Serializer

        return Ec2Parser(ctx), Ec2Serializer(ctx)
    if protocol == "json":
        from fogbank.protocol.parse.json import JsonParser
        from fogbank.protocol.serialize.json import JsonSerializer

        return JsonParser(ctx), JsonSerializer(ctx)
    raise ValueError(f"unsupported protocol {protocol!r}")


class Specs:
    """Every service's protocol, each built on first use and kept."""

    def __init__(self) -> None:
        self._services: dict[str, ServiceProtocol] = {}
        self._loader: object | None = None

    def get(self, service_name: str) -> ServiceProtocol:
        service = self._services.get(service_name)
        if service is None:
            info = BY_NAME.get(service_name)
            if info is None:
                raise KeyError(f"unknown service {service_name!r}")
            service = self._services[service_name] = self._load(info)
        return service

    def modeled_status(self, service: str, code: str) -> int | None:
        """The HTTP status the model of ``service`` gives the error ``code``."""
        return self.get(service).modeled_status(code)

    def _load(self, info: ServiceInfo) -> ServiceProtocol:
        from botocore.loaders import Loader
        from botocore.model import ServiceModel

        if self._loader is None:
            self._loader = Loader()
        loader = self._loader
        assert isinstance(loader, Loader)
        raw = loader.load_service_model(info.name, "service-2", info.api_version)
        model = ServiceModel(raw, service_name=info.name)
        return ServiceProtocol(info, model, raw)
