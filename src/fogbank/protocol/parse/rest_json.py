"""rest-json requests (EFS): the rest parts plus JSON documents."""

from __future__ import annotations

from fogbank.protocol.parse import Params
from fogbank.protocol.parse.json_reader import load_json, read_object, read_value
from fogbank.protocol.parse.rest import RestParser
from fogbank.protocol.plan import Ref


class RestJsonParser(RestParser):
    def read_payload(self, data: bytes, ref: Ref) -> object:
        return read_value(load_json(data), ref, ref.wire_name)

    def read_body(self, data: bytes, input_ref: Ref) -> Params:
        return read_object(load_json(data), input_ref.shape)
