"""Every router of the gateway, one module per area."""
from gateway.routes import inbox, venues

ROUTERS = [venues.router, inbox.router]
