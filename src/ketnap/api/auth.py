"""Token authentication for the API: `Authorization: Bearer <token>`, and nothing else.

No session login: a browser that is logged in to ketnap must not let a page it visits read the API (no CSRF question
to answer), and a script never holds a session. A missing, unknown or revoked token, or one whose user is disabled,
answers 401 with a JSON message in Vietnamese.
"""

from ninja.security import HttpBearer

from ketnap.api.models import ApiToken

MAX_TOKEN_LENGTH = 200  # ours are 50 characters; longer input is not hashed at all


class TokenAuth(HttpBearer):
    def __call__(self, request):
        # Ninja's HttpBearer logs an unexpected header in DEBUG: that header may be someone's secret, so parse here.
        scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        if len(token) > MAX_TOKEN_LENGTH:
            return None
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user  # e.g. the "mine" filter of /api/due reads request.user
        return user
