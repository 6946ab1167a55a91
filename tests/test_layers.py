"""The apps' layers hold (``.importlinter``, checked by ``make lint``), and the contract names every domain app, so
an app added without a place in the layers fails here."""

import configparser
from pathlib import Path

from django.conf import settings
from importlinter.cli import lint_imports

CONFIG = Path(settings.BASE_DIR) / ".importlinter"


def _contract():
    parser = configparser.ConfigParser()
    parser.read(CONFIG)
    return parser


def test_every_domain_app_has_a_layer():
    parser = _contract()
    layers = {name.strip() for line in parser["importlinter:contract:layers"]["layers"].splitlines()
              for name in line.split("|") if name.strip()}
    roots = set(parser["importlinter"]["root_packages"].split())
    assert set(settings.DOMAIN_APPS) == layers == roots


def test_no_app_imports_one_above_it():
    assert lint_imports(config_filename=str(CONFIG)) == 0
