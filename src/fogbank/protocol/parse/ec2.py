"""ec2 protocol requests: the query protocol with EC2's naming and list rules.

A member travels under its ``queryName``, else its ``locationName`` with the first letter
capitalized, else its model name; every list is ``Name.N`` (never ``.member.``), and an
empty list is simply absent.
"""

from __future__ import annotations

from fogbank.protocol.parse.query import QueryParser


class Ec2Parser(QueryParser):
    ec2 = True
