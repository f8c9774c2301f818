"""EC2 networking: VPCs, subnets, security groups and their rules, tags, zones.

What RDS and EFS need from EC2: a network to live in, and security groups that admit or
refuse connections (``admission.py``, ``client.py``).
"""
