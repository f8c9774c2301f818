"""rest-xml requests (S3, S3 Control): the rest parts plus XML documents."""

from __future__ import annotations

from fogbank.protocol.errors import MissingBody
from fogbank.protocol.parse import Params
from fogbank.protocol.parse.rest import RestParser
from fogbank.protocol.parse.xml_reader import read_document
from fogbank.protocol.plan import Ref


class RestXmlParser(RestParser):
    def read_payload(self, data: bytes, ref: Ref) -> object:
        # botocore names the document after the payload member's locationName
        return read_document(data, ref, ref.location_name or ref.name)

    def read_body(self, data: bytes, input_ref: Ref) -> Params:
        shape = input_ref.shape
        if not data.strip():
            for name in shape.required:
                if shape.members[name].location is None:
                    raise MissingBody(name=name)
            return {}
        value = read_document(data, input_ref, input_ref.location_name or shape.name)
        assert isinstance(value, dict)
        return value
