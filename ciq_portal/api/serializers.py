import copy

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from ..login_throttle import login_account_locked, login_address_failure_count, login_address_refused


class AccountLocked(exceptions.PermissionDenied):
    default_code = "locked"


class TokenRequestSerializer(serializers.Serializer):
    # The account model's own bound (and the lock-out's record of the attempt): a longer name is no account's.
    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(label=_("Password"), style={"input_type": "password"}, trim_whitespace=False,
                                     write_only=True, max_length=4096)

    def validate(self, attrs):
        request = self.context["request"]
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        if login_address_refused(request):
            raise exceptions.Throttled(wait=settings.AXES_COOLOFF_TIME.total_seconds(), detail=_(
                "Too many failed log-ins from your address; try again in %(minutes)s minutes.") % {"minutes": minutes})
        # authenticate() runs through django-axes, so failures count towards the account's lock-out.
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            login_address_failure_count(request)
        if user is None and login_account_locked(request):
            raise AccountLocked(_("This account is locked after too many failed log-ins; try again in %(minutes)s "
                                  "minutes or ask an administrator to unlock it.") % {"minutes": minutes})
        if user is None:
            raise serializers.ValidationError(
                {"password": [_("Unable to log in with the given username and password.")]})
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class RepresentationSerializer(serializers.ModelSerializer):
    """A read-only ModelSerializer that builds its fields from the model once per class and copies them for each
    use, as DRF does with declared fields (ModelSerializer would introspect the model on every instance)."""

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField()


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    hits = SearchHitSerializer(many=True)
