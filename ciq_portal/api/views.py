from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..roles import BUREAU_ROLES, Role
from ..search import search_query_clean, search_run
from ..services import api_token_issue
from .permissions import role_required
from .serializers import SearchGroupSerializer, TokenRequestSerializer, TokenResponseSerializer


class TokenCreateView(APIView):
    """Exchange a username and password for an API token (header ``Authorization: Token <token>``)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer, tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response({"token": api_token_issue(user=serializer.validated_data["user"])})


class SearchView(APIView):
    """Declarations, certificates and enterprises by number, container, bill of lading, name or unified social
    credit code; a declarant finds only its own enterprise's."""

    permission_classes = [IsAuthenticated, role_required(Role.DECLARANT, *BUREAU_ROLES)]

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
                   responses=SearchGroupSerializer(many=True))
    def get(self, request):
        groups = search_run(user=request.user, query=search_query_clean(request.query_params.get("q")))
        return Response(SearchGroupSerializer(groups, many=True).data)
