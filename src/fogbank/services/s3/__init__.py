"""S3: buckets and objects over fogbank's blob store and metadata store.

``provider`` (the gateway's view), ``ops/`` (handlers by resource area), ``store/`` (SQL),
pure rules (``names``, ``etags``, ``ranges``, ``conditions``, ``checksums``, ``listing``,
``tags``, ``cors``), ``access`` (IAM requirements), ``client`` (in-process use by other
services), ``schema`` (migration component ``s3``). See docs/s3.md.
"""
