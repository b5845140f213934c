"""Every name spasibo and spasibo.testing advertise resolves to the object its module defines."""

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


def test_spasibo_all_lists_exactly_the_lazy_exports():
    import spasibo

    assert sorted(spasibo.__all__) == sorted([*spasibo._EXPORTS, "__version__"])


@pytest.mark.parametrize("name", sorted(__import__("spasibo")._EXPORTS))
def test_every_spasibo_export_resolves(name):
    import spasibo

    assert getattr(spasibo, name) is not None
