"""Storage in PostgreSQL for a team: the schema and its migrations (pg_schema), connecting (pg_connect)."""
