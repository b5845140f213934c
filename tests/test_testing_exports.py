"""Every name spasibo.testing advertises resolves to the class or function its submodule defines."""

import importlib

import pytest

import spasibo.testing


@pytest.mark.parametrize("name", spasibo.testing.__all__)
def test_testing_export_is_the_submodules_object(name):
    module = importlib.import_module(spasibo.testing._EXPORTS[name])
    assert getattr(spasibo.testing, name) is getattr(module, name)


def test_unknown_testing_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = spasibo.testing.Nope
