"""The RPC entrypoints of the notifications service, by area (composed in service.py).

Each one validates its input (kit.boundary), checks who asks, calls the module that does the work in one
transaction and returns JSON.
"""
