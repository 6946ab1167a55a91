from .request_context import client_address


class ClientAddressMiddleware:
    """Makes the client's address available to the audit log for the duration of the request.

    The address is the socket peer (REMOTE_ADDR); a reverse proxy in front is expected to set it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
