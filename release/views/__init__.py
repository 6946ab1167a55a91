"""The release app's pages, one module per subject; ``release/urls.py`` names each view by its module."""
