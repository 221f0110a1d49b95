"""A griffe extension: document functions made inside other functions where they are used.

Runtime inspection turns a member defined in another module into an alias to its home
path. For a function made at run time (e.g. an `__init__` written by a base class's
`__init_subclass__`), that home path (`...<locals>.__init__`) cannot be resolved, so the
member is inspected in place instead.
"""

import griffe


class InspectLocalFunctions(griffe.Extension):
    def on_alias_instance(self, *, alias, node, agent, **kwargs):
        if "<locals>" not in alias.target_path:
            return
        child = next(c for c in node.children if c.name == alias.name)
        agent.current.del_member(alias.name)
        agent.inspect(child)
