"""Request handlers: the middleware chain (base), WSGI (wsgi), errors (exception)."""
