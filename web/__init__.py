"""The web app (文云网页): server-rendered pages for residents, volunteers and staff.

It is a client of the gateway's public HTTP API like any other (`web/api.py` is its one HTTP client);
it never imports a service, the kit's database code or the gateway.
"""
