"""System checks of the deployment's own settings (run by `manage.py check`, runserver and migrate)."""

from django.core import checks

from . import signing


@checks.register(checks.Tags.security)
def signing_key_development_check(app_configs, **kwargs):
    """Say at start-up that a generated development key signs, when no key is configured."""
    if not signing.key_configured() and signing.autogenerate_allowed():
        return [checks.Warning(
            f"No signing key configured: the development key {signing.development_key_path()} is used (generated "
            "if missing). Never use it in production.", hint="Set CIQ_SIGNING_KEY_FILE or CIQ_SIGNING_KEY.",
            id="ciq_portal.W101")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def signing_key_deploy_check(app_configs, **kwargs):
    """``check --deploy``: a key must be configured and readable."""
    if not signing.key_configured():
        return [checks.Error(
            "No signing key is configured: audit heads and certificates cannot be signed.",
            hint="Set CIQ_SIGNING_KEY_FILE to an Ed25519 PEM file (`manage.py signing_key generate PATH`) or "
                 "CIQ_SIGNING_KEY to its text.", id="ciq_portal.E101")]
    try:
        signing.active_private_key()
    except (signing.SigningKeyMissing, ValueError, OSError) as exc:
        return [checks.Error(f"The signing key cannot be read: {exc}", id="ciq_portal.E102")]
    return []
