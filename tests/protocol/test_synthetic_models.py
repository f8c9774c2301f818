"""Model features none of the nine services happen to use today (statusCode members,
query-string maps, jsonvalue/list/blob headers, flattened maps, renamed flattened lists,
XML attributes in requests), on small synthetic models, round-tripped through botocore's
serializer and parser like the real ones."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.model import ServiceModel

from fogbank.protocol.catalog import ServiceInfo
from fogbank.protocol.specs import OperationCall, ServiceProtocol
from tests.protocol.wire import botocore_parse, botocore_request, run

WHEN = datetime(2024, 2, 29, 13, 14, 15, tzinfo=UTC)

SCALARS: dict[str, Any] = {
    "Str": {"type": "string"},
    "Int": {"type": "integer"},
    "Bool": {"type": "boolean"},
    "Dbl": {"type": "double"},
    "Ts": {"type": "timestamp"},
    "Blob": {"type": "blob"},
    "JsonStr": {"type": "string"},
    "StrList": {"type": "list", "member": {"shape": "Str"}},
    "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
}


def protocol_for(protocol: str, operations: dict[str, Any], shapes: dict[str, Any]) -> Any:
    raw = {
        "version": "2.0",
        "metadata": {
            "apiVersion": "2020-01-01",
            "protocol": protocol,
            "protocols": [protocol],
            "serviceId": "Synthetic",
            "endpointPrefix": "synthetic",
            "signatureVersion": "v4",
            "jsonVersion": "1.1",
            "targetPrefix": "Synthetic_20200101",
            "xmlNamespace": "https://synthetic.example/doc/2020-01-01/",
        },
        "operations": operations,
        "shapes": {**SCALARS, **shapes},
    }
    model = ServiceModel(raw, service_name="synthetic")
    info = ServiceInfo("synthetic", "synthetic", protocol, "2020-01-01", "synthetic.example")
    return model, ServiceProtocol(info, model, raw)


def round_trip(protocol: str, operations: dict[str, Any], shapes: dict[str, Any]) -> Any:
    model, service = protocol_for(protocol, operations, shapes)

    def request(name: str, params: dict[str, Any]) -> OperationCall:
        call: OperationCall = run(
            service.parse(botocore_request(model.operation_model(name), params))
        )
        return call

    def response(name: str, output: dict[str, Any]) -> tuple[dict[str, Any], int]:
        op = model.operation_model(name)
        http = service.serialize(OperationCall("synthetic", name, {}), output, "RID")
        parsed = botocore_parse(protocol, http, op.output_shape)
        return parsed, parsed.pop("ResponseMetadata")["HTTPStatusCode"]

    return request, response


def test_rest_json_features() -> None:
    request, response = round_trip(
        "rest-json",
        {
            "Thing": {
                "name": "Thing",
                "http": {"method": "POST", "requestUri": "/things/{Id}", "responseCode": 200},
                "input": {"shape": "ThingIn"},
                "output": {"shape": "ThingOut"},
            }
        },
        {
            "ThingIn": {
                "type": "structure",
                "required": ["Id"],
                "members": {
                    "Id": {"shape": "Str", "location": "uri", "locationName": "Id"},
                    "Count": {"shape": "Int", "location": "querystring", "locationName": "count"},
                    "Filters": {"shape": "StrMap", "location": "querystring"},
                    "Doc": {
                        "shape": "JsonStr",
                        "location": "header",
                        "locationName": "x-doc",
                        "jsonvalue": True,
                    },
                    "Tags": {"shape": "StrList", "location": "header", "locationName": "x-tags"},
                    "When": {
                        "shape": "Ts",
                        "location": "header",
                        "locationName": "x-when",
                        "timestampFormat": "iso8601",
                    },
                    "At": {"shape": "Ts", "timestampFormat": "iso8601"},
                    "Renamed": {"shape": "Str", "locationName": "renamed_key"},
                },
            },
            "ThingOut": {
                "type": "structure",
                "members": {
                    "Status": {"shape": "Int", "location": "statusCode"},
                    "Tags": {"shape": "StrList", "location": "header", "locationName": "x-tags"},
                    "Doc": {
                        "shape": "JsonStr",
                        "location": "header",
                        "locationName": "x-doc",
                        "jsonvalue": True,
                    },
                    # botocore writes blob headers with str(), reads them as base64
                    "Blobby": {"shape": "Blob", "location": "header", "locationName": "x-blob"},
                    "At": {"shape": "Ts"},
                    "Ratio": {"shape": "Dbl"},
                    "Renamed": {"shape": "Str", "locationName": "renamed_key"},
                },
            },
        },
    )
    params = {
        "Id": "a/b c",
        "Count": 3,
        "Filters": {"colour": "blue", "size": "L"},
        "Doc": {"k": [1, "v"]},
        "Tags": ["one", "two, with comma", 'quote "q"'],
        "When": WHEN,
        "At": WHEN,
        "Renamed": "r",
    }
    assert request("Thing", params).params == params
    output = {"Status": 202, "Tags": ["x", "y"], "Doc": {"d": 1}, "At": WHEN, "Ratio": 0.25}
    output["Blobby"] = b"\x00\xff"
    output["Renamed"] = "r"
    parsed, status = response("Thing", output)
    assert status == 202
    assert parsed == output


XML_SHAPES: dict[str, Any] = {
    "In": {
        "type": "structure",
        "payload": "Doc",
        "members": {
            "Name": {"shape": "Str", "location": "uri", "locationName": "Name"},
            "Doc": {
                "shape": "Doc",
                "locationName": "Document",
                "xmlNamespace": {"uri": "https://synthetic.example/doc/2020-01-01/"},
            },
        },
    },
    "Out": {
        "type": "structure",
        "members": {
            "Items": {"shape": "FlatRenamedList", "locationName": "Item"},
            "Pairs": {"shape": "FlatMap"},
            "Wrapped": {"shape": "RenamedMap"},
            "Who": {"shape": "Person"},
        },
    },
    "Doc": {
        "type": "structure",
        "members": {
            "Items": {"shape": "FlatRenamedList"},
            "Pairs": {"shape": "FlatMap"},
            "Who": {"shape": "Person"},
        },
    },
    "Person": {
        "type": "structure",
        "required": ["Kind"],
        "members": {
            "Kind": {"shape": "Str", "locationName": "xsi:type", "xmlAttribute": True},
            "Id": {"shape": "Str"},
        },
        "xmlNamespace": {"prefix": "xsi", "uri": "http://www.w3.org/2001/XMLSchema-instance"},
    },
    "FlatRenamedList": {
        "type": "list",
        "member": {"shape": "Str", "locationName": "Entry"},
        "flattened": True,
    },
    "FlatMap": {
        "type": "map",
        "key": {"shape": "Str"},
        "value": {"shape": "Int"},
        "flattened": True,
    },
    "RenamedMap": {
        "type": "map",
        "key": {"shape": "Str", "locationName": "K"},
        "value": {"shape": "Str", "locationName": "V"},
    },
}


def test_rest_xml_features() -> None:
    request, response = round_trip(
        "rest-xml",
        {
            "Put": {
                "name": "Put",
                "http": {"method": "PUT", "requestUri": "/{Name}?doc"},
                "input": {"shape": "In"},
            },
            "Get": {
                "name": "Get",
                "http": {"method": "GET", "requestUri": "/{Name}?doc"},
                "input": {"shape": "In"},
                "output": {"shape": "Out"},
            },
        },
        XML_SHAPES,
    )
    doc = {
        "Items": ["a", "b & c"],
        "Pairs": {"x": 1, "y": 2},
        "Who": {"Kind": "CanonicalUser", "Id": "id-1"},
    }
    assert request("Put", {"Name": "n", "Doc": doc}).params == {"Name": "n", "Doc": doc}
    output = {**doc, "Wrapped": {"k1": "v1"}}
    parsed, status = response("Get", output)
    assert status == 200
    assert parsed == output


@pytest.mark.parametrize("protocol", ["query", "ec2"])
def test_query_features(protocol: str) -> None:
    request, response = round_trip(
        protocol,
        {
            "DoIt": {
                "name": "DoIt",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "In"},
                "output": {"shape": "Out", "resultWrapper": "DoItResult"},
            }
        },
        {
            "In": {
                "type": "structure",
                "required": ["Items"],
                "members": {
                    "Items": {"shape": "FlatRenamedList", "locationName": "item"},
                    "Plain": {"shape": "StrList"},
                    "Pairs": {"shape": "FlatMap"},
                    "Wrapped": {"shape": "RenamedMap"},
                    "Nested": {"shape": "Nested", "locationName": "nestedThing"},
                    "When": {"shape": "Ts"},
                    "Flag": {"shape": "Bool", "queryName": "TheFlag"},
                },
            },
            "Out": {
                "type": "structure",
                "members": {
                    "Plain": {"shape": "StrList"},
                    "Wrapped": {"shape": "RenamedMap"},
                    "When": {"shape": "Ts"},
                },
            },
            "Nested": {
                "type": "structure",
                "members": {"Inner": {"shape": "Int"}, "More": {"shape": "StrList"}},
            },
            **{
                k: v
                for k, v in XML_SHAPES.items()
                if k in ("FlatRenamedList", "FlatMap", "RenamedMap")
            },
        },
    )
    params = {
        "Items": ["a", "b"],
        "Plain": ["p&q", "r s"],
        "Pairs": {"x": 1},
        "Wrapped": {"k": "v"},
        "Nested": {"Inner": 5, "More": ["m"]},
        "When": WHEN,
        "Flag": False,
    }
    assert request("DoIt", params).params == params
    output = {"Plain": ["o1", "o2"], "Wrapped": {"k": "v"}, "When": WHEN}
    parsed, status = response("DoIt", output)
    assert status == 200
    assert parsed == output
