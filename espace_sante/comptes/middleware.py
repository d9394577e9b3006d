import time
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

# Pages an authenticated but not yet OTP-verified user may reach.
OTP_ALLOW_LIST = {"comptes:otp", "comptes:otp_renvoyer", "account_logout"}


class OTPRequiredMiddleware:
    """Deny every page but public ones and the OTP pages until the second factor.

    Runs after LoginRequiredMiddleware (which handles anonymous users) and
    django_otp's OTPMiddleware (which sets ``user.is_verified``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match and match.view_name in OTP_ALLOW_LIST:
            return None
        suite = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('comptes:otp')}?{suite}")


class PasDeCacheMiddleware:
    """No page of a health service is kept by a browser or a proxy: a France services desk
    shares its computers. A response that sets its own Cache-Control keeps it (static
    files are served above this middleware, by WhiteNoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        if not reponse.has_header("Cache-Control"):
            add_never_cache_headers(reponse)
            reponse["Cache-Control"] += ", private"
        return reponse


class ActiviteSessionMiddleware:
    """The idle timeout without a write per request: the session is saved (its expiry pushed
    forward) when a minute or more has passed since the last push. A session idle for
    ``SESSION_COOKIE_AGE`` seconds still expires, give or take that minute."""

    CLE = "_activite"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return reponse
        maintenant = int(time.time())
        if maintenant - session.get(self.CLE, 0) >= settings.SESSION_ACTIVITE_PAS:
            session[self.CLE] = maintenant  # marks it modified: SessionMiddleware saves it
        return reponse


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's middleware, without a database query on every request.

    The first request of a verified session checks the device (it exists, is confirmed,
    belongs to this user) and notes (user, device) in the session; the following requests
    trust that note and load the device only if something asks for it. The session is
    server-side and its key changes at login and at verification, so the note cannot be
    forged; logging out ends it.
    """

    CLE = "_otp_verifie"

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if not user.is_authenticated:
            return user
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if persistent_id and request.session.get(self.CLE) == [user.pk, persistent_id]:
            user.otp_device = SimpleLazyObject(
                lambda: self._device_from_persistent_id(persistent_id)
            )
            return user
        device = self._device_from_persistent_id(persistent_id) if persistent_id else None
        user.otp_device = self._finalize_device(request, user, device)
        if user.otp_device is not None:
            request.session[self.CLE] = [user.pk, persistent_id]
        return user
