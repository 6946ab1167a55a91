from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services import api_token_issue
from .serializers import TokenRequestSerializer, TokenResponseSerializer


class TokenCreateView(APIView):
    """Exchange a username and password for an API token (header ``Authorization: Token <token>``)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer, tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response({"token": api_token_issue(user=serializer.validated_data["user"])})
