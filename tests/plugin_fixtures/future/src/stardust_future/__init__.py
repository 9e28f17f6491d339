"""Test fixture: a plugin declaring plugin API 2 (Stardust speaks 1): it must be refused, its rule never run."""

PLUGIN_API = 2


def check(release, context):  # noqa: ANN001, ANN201
    raise AssertionError("a refused plugin's rule ran")
