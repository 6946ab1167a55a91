"""The declarations app's pages, one module per subject; ``declarations/urls.py`` names each view by its module."""
