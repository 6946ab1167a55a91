"""The inspection app's pages, one module per subject; ``inspection/urls.py`` names each view by its module."""
