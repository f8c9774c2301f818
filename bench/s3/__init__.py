"""The S3 benchmark: fogbank against moto_server, MiniStack and nginx (see run.py)."""
