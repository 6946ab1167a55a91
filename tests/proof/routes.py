"""Every route the portal serves, read from the URL resolver (pages) and the DRF routers (API, under /api/v1/).

A route is identified by its namespaced name (``inspection:task``, ``declaration-detail``) or, when unnamed, by
its pattern. The tenancy matrix (tests/proof/tenancy_matrix.py) must name every one of them.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_PREFIX = "api/v1/"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    key: str  # namespaced URL name, or the pattern when unnamed
    pattern: str  # the full pattern, e.g. "inspection/tasks/<int:pk>/claim/"
    callback: object
    converters: tuple[str, ...]  # the kwargs the pattern takes

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith(API_PREFIX)

    @property
    def drf_actions(self) -> dict:
        """For a router route: {method: action}; for an APIView: its handlers; for a page: {}."""
        actions = getattr(self.callback, "actions", None)
        if actions:
            return {m: a for m, a in actions.items() if m not in ("head", "options", "trace")}
        cls = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        if cls is not None and hasattr(cls, "http_method_names"):
            return {m: m for m in cls.http_method_names if m not in ("options", "head", "trace") and hasattr(cls, m)}
        return {}

    def methods(self) -> tuple[str, ...]:
        """HTTP methods worth trying: the handlers of an API view; GET and POST for a page (it may refuse either)."""
        if self.is_api and self.drf_actions:
            return tuple(m.upper() for m in self.drf_actions)
        return ("GET", "POST")

    def url(self, **kwargs) -> str:
        if ":" in self.key or not self.key.startswith(("^", "/")) and "<" not in self.key and "/" not in self.key:
            try:
                return reverse(self.key, kwargs=kwargs or None)
            except Exception:  # noqa: BLE001 - fall back to filling the pattern by hand
                pass
        return "/" + fill_pattern(self.pattern, kwargs)


def fill_pattern(pattern: str, kwargs: dict) -> str:
    import re

    def repl(match):
        name = match.group(2)
        return str(kwargs[name])

    return re.sub(r"<(?:(\w+):)?(\w+)>", repl, pattern)


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = full
            converters = tuple(entry.pattern.converters) if hasattr(entry.pattern, "converters") else ()
            # Regex patterns (the admin's) name their groups instead.
            if not converters and hasattr(entry.pattern, "regex"):
                converters = tuple(entry.pattern.regex.groupindex)
            full_converters = tuple(_prefix_converters(prefix)) + converters
            yield Route(key=key, pattern=full, callback=entry.callback, converters=full_converters)


def _prefix_converters(prefix: str):
    import re

    return [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", prefix)]


def all_routes(*, include_admin: bool = False) -> list[Route]:
    routes = []
    seen = set()
    for route in _walk(get_resolver().url_patterns):
        if route.pattern.startswith("admin/") and not include_admin:
            continue
        if route.pattern.startswith(("static/", "media/", "^static", "^media")):
            continue
        if route.key in seen:
            continue
        seen.add(route.key)
        routes.append(route)
    return routes
