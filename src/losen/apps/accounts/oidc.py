"""OpenID Connect login (HelseID, Entra ID), switched on with ``LOSEN_OIDC_ENABLED``.

An identity from the provider is matched to an existing account by e-mail address; Losen
never creates accounts from a login, because roles in a municipality are given by its
administrator.
"""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class LosenOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)
