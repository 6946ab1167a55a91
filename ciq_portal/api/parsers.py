"""The API's JSON parser: a body is at most ``API_JSON_MAX_BYTES`` long and nested at most ``API_JSON_MAX_DEPTH``
levels deep. Python's decoder recurses once per level, so a body of a few thousand brackets exhausted the stack
(a 500 before any authentication); no resource of ours nests deeper than a few levels."""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant


class RequestBodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def json_depth_exceeds(data, limit: int) -> bool:
    """Whether ``data`` (decoded JSON) nests deeper than ``limit`` arrays and objects, walked without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.API_JSON_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestBodyTooLarge(_("The request body is larger than %(limit)s bytes.") % {"limit": limit})
        try:
            data = json.loads(codecs.decode(raw, encoding),
                              parse_constant=strict_constant if api_settings.STRICT_JSON else None)
        except RecursionError:
            raise self._too_deep() from None
        except (ValueError, LookupError) as error:
            raise exceptions.ParseError(_("JSON parse error: %(error)s") % {"error": error}) from None
        if json_depth_exceeds(data, settings.API_JSON_MAX_DEPTH):
            raise self._too_deep()
        return data

    @staticmethod
    def _too_deep():
        return exceptions.ParseError(_("The JSON body nests deeper than %(depth)s levels.")
                                     % {"depth": settings.API_JSON_MAX_DEPTH})
