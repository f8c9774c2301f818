"""S3 server-side encryption: what a request asks for (``request``), the bucket's
default (``defaults``), the per-object data keys and how they are wrapped (``keys``),
what is stored with an object (``record``), the KMS permissions a call needs
(``access``), and the response headers (``record.SseRecord.output``)."""
