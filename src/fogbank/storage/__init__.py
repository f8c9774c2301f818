"""Where state lives: the metadata store (SQL), its migrations, and the blob store."""
