from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ciq_portal.api.permissions import requires_scope, role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.models import AgencyScope
from ciq_portal.roles import BUREAU_ROLES, Role
from ciq_portal.scoping import user_enterprise_id
from ciq_portal.stored_files import download_name
from credit.models import Enterprise

from .. import selectors, services
from ..choices import DeclarationSource
from ..filtersets import DeclarationFilterSet, RegistrationFilterSet
from .serializers import (
    DeclarationEventSerializer,
    DeclarationListSerializer,
    DeclarationSerializer,
    DeclarationWriteSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    GoodsLineSerializer,
    GoodsLineWriteSerializer,
    MessageSerializer,
    RegistrationSerializer,
)

READERS = (Role.DECLARANT, *BUREAU_ROLES)
WRITE_ACTIONS = {"create", "update", "partial_update", "destroy", "withdraw", "answer", "lines",
                 "line_detail", "documents"}


class DeclarationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    """Declarations in the caller's scope. Declarants create and edit drafts (with nested goods lines), upload
    documents, withdraw and answer requests; the submit, which runs the clearance pipeline, is release's
    (``release.api.pipeline``)."""

    filterset_class = DeclarationFilterSet
    ordering_fields = ["created_at", "submitted_at", "number", "status"]

    def get_permissions(self):
        if self.action in WRITE_ACTIONS and self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return [IsAuthenticated(), role_required(Role.DECLARANT)()]
        return [IsAuthenticated(), role_required(*READERS)()]

    def get_serializer_class(self):
        if self.action == "list":
            return DeclarationListSerializer
        if self.action in ("create", "update", "partial_update"):
            return DeclarationWriteSerializer
        return DeclarationSerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.declaration_list(user=self.request.user)
        return selectors.declaration_list(user=self.request.user).prefetch_related("lines", "documents")

    def get_object(self):
        return selectors.declaration_get_for_service(user=self.request.user, pk=self._pk())

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self._pk())

    def _pk(self):
        try:
            return int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise NotFound from None

    def _detail(self, pk, code=status.HTTP_200_OK):
        return self._represent(selectors.declaration_get_representation(user=self.request.user, pk=pk), code)

    def _represent(self, declaration, code=status.HTTP_200_OK):
        return Response(DeclarationSerializer(declaration, context={"request": self.request}).data, status=code)

    @extend_schema(request=DeclarationWriteSerializer, responses={201: DeclarationSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = DeclarationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = [dict(line) for line in data.pop("lines", [])]
        enterprise = selectors.filing_enterprise(user=request.user, enterprise_id=data.pop("enterprise", None))
        declaration = services.declaration_create(enterprise=enterprise, actor=request.user, lines=lines,
                                                  source=DeclarationSource.API, **data)
        return self._detail(declaration.pk, status.HTTP_201_CREATED)

    @extend_schema(request=DeclarationWriteSerializer, responses=DeclarationSerializer)
    def update(self, request, *args, **kwargs):
        declaration = self.get_object()
        serializer = DeclarationWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lines = [dict(line) for line in data.pop("lines")] if "lines" in data else None
        data.pop("enterprise", None)  # the declaring enterprise is chosen once, when the draft is filed
        declaration = services.declaration_update(declaration=declaration, actor=request.user, lines=lines, **data)
        return self._detail(declaration.pk)

    def destroy(self, request, *args, **kwargs):
        services.declaration_delete(declaration=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MessageSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        serializer = MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        declaration = services.declaration_withdraw(declaration=self.get_object(), actor=request.user,
                                                    message=serializer.validated_data.get("message", ""))
        return self._detail(declaration.pk)

    @extend_schema(request=MessageSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        serializer = MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        declaration = services.declaration_answer(declaration=self.get_object(), actor=request.user,
                                                  message=serializer.validated_data.get("message", ""))
        return self._detail(declaration.pk)

    @extend_schema(responses=DeclarationEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        declaration = self.get_object()
        events = selectors.declaration_events(user=request.user, declaration=declaration)
        return Response(DeclarationEventSerializer(events, many=True).data)

    @extend_schema(methods=["GET"], responses=GoodsLineSerializer(many=True))
    @extend_schema(methods=["POST"], request=GoodsLineWriteSerializer, responses={201: GoodsLineSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def lines(self, request, pk=None):
        declaration = self.get_object()
        if request.method == "POST":
            serializer = GoodsLineWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            line = services.goods_line_add(declaration=declaration, actor=request.user, **serializer.validated_data)
            return Response(GoodsLineSerializer(line).data, status=status.HTTP_201_CREATED)
        return Response(GoodsLineSerializer(declaration.lines.order_by("line_no"), many=True).data)

    @extend_schema(request=GoodsLineWriteSerializer, responses=GoodsLineSerializer)
    @action(detail=True, methods=["get", "patch", "delete"], url_path=r"lines/(?P<line_pk>\d+)")
    def line_detail(self, request, pk=None, line_pk=None):
        line = selectors.goods_line_get(user=request.user, declaration_pk=self._pk(), pk=int(line_pk))
        if request.method == "DELETE":
            services.goods_line_delete(line=line, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        if request.method == "PATCH":
            serializer = GoodsLineWriteSerializer(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            line = services.goods_line_update(line=line, actor=request.user, **serializer.validated_data)
        return Response(GoodsLineSerializer(line).data)

    @extend_schema(methods=["GET"], responses=DocumentSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        declaration = self.get_object()
        if request.method == "POST":
            serializer = DocumentUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            goods_line = None
            if data.get("goods_line"):
                goods_line = declaration.lines.filter(pk=data["goods_line"]).first()
                if goods_line is None:
                    raise DjangoValidationError({"goods_line": [_("Goods line: not a line of this declaration.")]})
            document = services.document_upload(declaration=declaration, kind=data["kind"], file=data["file"],
                                                actor=request.user, goods_line=goods_line)
            return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        return Response(DocumentSerializer(declaration.documents.all(), many=True).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_pk>\d+)/download")
    def document_download(self, request, pk=None, document_pk=None):
        document = selectors.document_get(user=request.user, pk=int(document_pk), declaration_pk=self._pk())
        return FileResponse(document.file.open("rb"), as_attachment=True, content_type=document.content_type,
                            filename=download_name(document.original_name, document.content_type))


class RegistrationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Importer filings and overseas manufacturer registrations (§4.4): declarants read and apply for their own;
    partner agencies with the scope registrations:read and bureau staff read all."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilterSet

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), role_required(Role.DECLARANT)()]
        return [IsAuthenticated(), role_required(Role.DECLARANT, Role.PARTNER_AGENCY, *BUREAU_ROLES)(),
                requires_scope(AgencyScope.REGISTRATIONS_READ)()]

    def get_queryset(self):
        return selectors.registration_list(user=self.request.user)

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise NotFound from None
        return selectors.registration_get(user=self.request.user, pk=pk)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enterprise = Enterprise.objects.get(pk=user_enterprise_id(request.user))
        registration = services.registration_apply(enterprise=enterprise, actor=request.user,
                                                   **serializer.validated_data)
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)
