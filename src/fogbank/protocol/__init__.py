"""The wire: routing a request to its service, and the model-driven parsers and
serializers of AWS's protocol families (rest-xml, query, ec2, json, rest-json)."""
