"""What the apps' REST viewsets share: reads open to some roles and every other action to fewer, and creates and
updates that a serializer parses and the app's service writes."""

from rest_framework import mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..idempotency import idempotent
from .permissions import role_required


class ReadWriteRolesMixin:
    """``read_roles`` may use ``read_actions``; every other action, a new one too, is for ``write_roles``."""

    read_actions = ("list", "retrieve", "metadata")
    read_roles: tuple = ()
    write_roles: tuple = ()

    def get_permissions(self):
        roles = self.read_roles if self.action in self.read_actions else self.write_roles
        return [IsAuthenticated(), role_required(*roles)()]


class ServiceCreateMixin(mixins.CreateModelMixin):
    """POST: the serializer parses, ``create_service(actor=..., **data)`` writes; honours the Idempotency-Key."""

    create_service = None

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Read off the class: a function kept as a class attribute would otherwise be bound to the view.
        instance = type(self).create_service(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class ServiceUpdateMixin(mixins.UpdateModelMixin):
    """PUT and PATCH: the serializer parses, ``update_service(<updated_as>=the object, actor=..., **data)`` writes.
    ``fixed_fields`` (the key the path names) never reach the service."""

    update_service = None
    updated_as = ""
    fixed_fields: tuple = ()

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = {name: value for name, value in serializer.validated_data.items() if name not in self.fixed_fields}
        instance = type(self).update_service(**{self.updated_as: self.get_object()}, actor=request.user, **data)
        return Response(self.get_serializer(instance).data)
