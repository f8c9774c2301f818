"""S3 server access logging: the configuration (Put/GetBucketLogging), the records made
from every request to a logged bucket, their durable outbox, and their delivery."""
