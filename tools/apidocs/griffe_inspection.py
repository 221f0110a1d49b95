"""griffe extensions that fix two effects of runtime inspection on lamina's objects.

- Runtime inspection turns a member defined in another module into an alias to its home
  path. For a function made at run time (an `__init__` written by a base class's
  `__init_subclass__`), that path (`...<locals>.__init__`) cannot be resolved, so the
  member is inspected in place instead.
- An attribute's value has no docstring of its own: inspection takes its type's
  (`rank = 2` would show `int`'s docstring). Such borrowed docstrings are dropped.
"""

import inspect

import griffe


class InspectLocalFunctions(griffe.Extension):
    def on_alias_instance(self, *, alias, node, agent, **kwargs):
        if "<locals>" not in alias.target_path:
            return
        child = next(c for c in node.children if c.name == alias.name)
        agent.current.del_member(alias.name)
        agent.inspect(child)


class DropTypeDocstrings(griffe.Extension):
    def on_attribute_instance(self, *, node, attr, agent, **kwargs):
        type_doc = getattr(type(node.obj), "__doc__", None)
        if attr.docstring is not None and isinstance(type_doc, str) and \
                attr.docstring.value == inspect.cleandoc(type_doc):
            attr.docstring = None
