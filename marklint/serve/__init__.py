"""``marklint serve``: the pre-release gate as an HTTP service.

``app`` builds the ASGI application (Starlette), ``routes`` answers the API, ``upload`` reads documents out
of requests, ``pool`` judges them in worker processes (``worker`` is the process side), ``page.html`` is
the upload page and ``openapi`` describes the API. Everything here needs the ``serve`` extra; nothing
outside ``marklint serve`` imports this package.
"""
