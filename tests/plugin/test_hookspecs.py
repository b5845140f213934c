"""Every hook is typed and documented in one order; every built-in implementation yields to other plugins."""

from __future__ import annotations

import inspect

import pytest

from spasibo import hookspecs
from spasibo.default_plugins import DEFAULT_PLUGIN_NAMES
from spasibo.manager import get_plugin_manager

HOOKS = [name for name in dir(hookspecs) if name.startswith("spasibo_")]
FIRSTRESULT_SENTENCE = "Stops at the first non-None result."


def _spec_options(name: str) -> dict[str, object]:
    return dict(getattr(hookspecs, name).spasibo_spec)


def test_the_pipeline_hooks_exist() -> None:
    assert {
        "spasibo_register_phrases",
        "spasibo_detect",
        "spasibo_choose_reaction",
        "spasibo_register_transports",
        "spasibo_send_reaction",
        "spasibo_reaction_sent",
        "spasibo_reaction_failed",
    } <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_docstring_says_purpose_then_each_parameter_then_return(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    parameters = list(inspect.signature(getattr(hookspecs, name)).parameters)
    purpose = doc.split("\n", 1)[0]
    assert purpose, f"{name} has no docstring"
    assert not purpose.startswith(":"), f"{name} has no one-line purpose"
    positions = [doc.find(f":param {parameter}:") for parameter in parameters]
    assert all(position > 0 for position in positions), f"{name} does not document every parameter"
    assert positions == sorted(positions), f"{name} documents parameters out of order"
    assert doc.find(":return:") > max(positions), f"{name} does not document its return after the parameters"


@pytest.mark.parametrize("name", HOOKS)
def test_firstresult_hooks_say_where_they_stop_and_others_do_not(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert (FIRSTRESULT_SENTENCE in doc) == bool(_spec_options(name)["firstresult"])


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_fully_typed(name: str) -> None:
    signature = inspect.signature(getattr(hookspecs, name))
    assert signature.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())


def test_every_builtin_implementation_is_trylast() -> None:
    pm = get_plugin_manager()
    impls = [impl for caller in pm.hook.__dict__.values() for impl in caller.get_hookimpls()]
    builtin = [impl for impl in impls if impl.plugin_name in DEFAULT_PLUGIN_NAMES]
    assert builtin, "no built-in implementations found"
    assert all(impl.trylast for impl in builtin)
