"""The RPC entrypoints of the venues service, grouped by area; `service.py` composes them."""
