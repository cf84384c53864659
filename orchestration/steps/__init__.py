"""Python steps that run between dbt invocations (no Dagster import): they read staging, write ``ml.*``."""
