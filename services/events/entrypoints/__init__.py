"""The RPC and event entrypoints of the events service, by area (composed in service.py)."""
