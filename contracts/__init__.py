"""Message contracts shared by the services and the gateway: CloudEvent data models, RPC payloads, errors.

Importing this package registers every domain event model (for the AsyncAPI document and consumers).
"""

# (imported to register the models)
from contracts import accounts, events, lending, notifications, reports, venues, volunteers  # noqa: F401
