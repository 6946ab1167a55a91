"""The clearance pipeline's steps on the lower apps' API resources: a declaration's submit
(``POST /api/v1/declarations/{id}/submit/``), an inspection task's sample
(``POST /api/v1/inspection-tasks/{id}/samples/``) and its conclusion
(``POST /api/v1/inspection-tasks/{id}/conclude/``). They run the pipeline, which release owns, and answer with the
declarations and inspection apps' own representations."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ciq_portal.api.permissions import role_required
from ciq_portal.idempotency import idempotent
from ciq_portal.roles import Role
from declarations import selectors as declaration_selectors
from declarations.api.serializers import DeclarationSerializer
from inspection import selectors as inspection_selectors
from inspection.api.lab_work import SampleSerializer, SampleTakeSerializer
from inspection.api.serializers import ConclusionSerializer, InspectionTaskSerializer
from inspection.models import Sample

from .. import services
from .views import DESK


class DeclarationSubmitView(APIView):
    """Submit a draft: validation, risk, the release mode and the dual-random overlay are decided inside the
    request, and the answer is the declaration with its mode and next step."""

    permission_classes = [IsAuthenticated, role_required(Role.DECLARANT)]

    @extend_schema(request=None, responses=DeclarationSerializer, operation_id="declarations_submit_create")
    @idempotent
    def post(self, request, pk):
        declaration = declaration_selectors.declaration_get_for_service(user=request.user, pk=pk)
        declaration = services.clearance_submit(declaration=declaration, actor=request.user)
        representation = declaration_selectors.declaration_representation_of(declaration)
        return Response(DeclarationSerializer(representation, context={"request": request}).data)


class InspectionTaskConcludeView(APIView):
    """Conclude an inspection through the pipeline, so the consignment is released (or rejected) in the same
    request."""

    permission_classes = [IsAuthenticated, role_required(*DESK)]

    @extend_schema(request=ConclusionSerializer, responses=InspectionTaskSerializer,
                   operation_id="inspection_tasks_conclude_create")
    def post(self, request, pk):
        serializer = ConclusionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = inspection_selectors.inspection_task_get(user=request.user, pk=pk)
        task = services.clearance_conclude(task=task, actor=request.user, **serializer.validated_data)
        return Response(InspectionTaskSerializer(task).data)


class InspectionTaskSampleView(APIView):
    """Take and seal a sample through the pipeline: under sample-release the goods are released in the same
    request, the laboratory's result coming later."""

    permission_classes = [IsAuthenticated, role_required(*DESK)]

    @extend_schema(request=SampleTakeSerializer, responses={201: SampleSerializer},
                   operation_id="inspection_tasks_samples_create")
    @idempotent
    def post(self, request, pk):
        serializer = SampleTakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = inspection_selectors.inspection_task_get(user=request.user, pk=pk)
        sample = services.clearance_sample(task=task, actor=request.user, **serializer.validated_data)
        sample = Sample.objects.select_related("task__declaration").prefetch_related("custody").get(pk=sample.pk)
        return Response(SampleSerializer(sample).data, status=status.HTTP_201_CREATED)
