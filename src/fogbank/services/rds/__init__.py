"""RDS: DB instances that are real MariaDB/PostgreSQL servers (engine layer in ``engines/``)."""
