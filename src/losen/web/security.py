"""The ``Permissions-Policy`` header (OWASP ASVS 4.0.3 V14.4): no page may use these features.

Django sends the other security headers itself (``SecurityMiddleware``,
``XFrameOptionsMiddleware``, django-csp); this one it does not. Losen uses none of the powerful
browser features, so every one listed is switched off for the page and anything it embeds.
"""

from __future__ import annotations

from django.conf import settings

#: Features a page of Losen never needs; ``()`` is the empty allow-list.
DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)


def permissions_policy() -> str:
    features = getattr(settings, "LOSEN_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)
    return ", ".join(f"{feature}=()" for feature in features)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
