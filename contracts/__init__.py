"""Message contracts shared by the services and the gateway: CloudEvent data models, RPC payloads, errors.

Importing this package registers every domain event model (for the AsyncAPI document and consumers).
"""

from contracts import accounts, events, notifications, venues, volunteers  # noqa: F401  (registers the models)
