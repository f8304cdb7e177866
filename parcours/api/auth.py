"""Bearer tokens: each binds a call to one user and one of their memberships."""

from ninja.security import HttpBearer

from parcours.accounts.services import token_authenticate
from parcours.core import audit


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        api_token = token_authenticate(token)
        if api_token is None:
            return None
        membership = api_token.membership
        user = membership.user
        user.active_membership = membership
        request.user = user
        request.membership = membership
        audit.current_channel.set("api")
        return user
