"""Bulk submit over the API: ``POST /api/v1/bulk-submissions/`` queues drafts (or every draft left of a bulk
import) for submission together and answers 202 with the job; ``GET`` the job to follow it, each declaration with
its release mode or its field errors. Declarants only, their enterprise's jobs only; Idempotency-Key honoured."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ciq_portal.api.permissions import role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.roles import Role
from declarations import selectors as declaration_selectors

from .. import selectors, services
from ..models import BulkSubmission
from .serializers import BulkSubmissionCreateSerializer, BulkSubmissionSerializer


class BulkSubmissionViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    serializer_class = BulkSubmissionSerializer
    permission_classes = [IsAuthenticated, role_required(Role.DECLARANT)]
    queryset = BulkSubmission.objects.none()
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BulkSubmission.objects.none()
        return selectors.bulk_submission_list(user=self.request.user).prefetch_related("items__declaration")

    def get_object(self):
        return selectors.bulk_submission_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=BulkSubmissionCreateSerializer, responses={202: BulkSubmissionSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = BulkSubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = (declaration_selectors.import_job_get(user=request.user, pk=data["import_job"])
               if data.get("import_job") is not None else None)
        submission = services.bulk_submission_start(actor=request.user, import_job=job,
                                                    declaration_ids=data.get("declarations"))
        submission = selectors.bulk_submission_get(user=request.user, pk=submission.pk)
        return Response(BulkSubmissionSerializer(submission).data, status=status.HTTP_202_ACCEPTED)
