"""Adapters that hand a rendered message to the outside world (SMTP, an SMS provider).

They do I/O and know nothing of events or people; the domain decides what to send and when.
"""
