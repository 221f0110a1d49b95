"""The order in which Keras lists a functional model's layers (`model.layers`, summaries,
configs and weights files all use it)."""


def keras_layer_order(inputs, outputs):
    """The layers of the graph from `inputs` to `outputs` (flat lists of KerasTensors) in
    Keras's order: by depth from the outputs (deepest first), ties broken by first visit in
    a depth-first walk from the outputs; input layers included."""
    input_ids = {id(t) for t in inputs}
    preorder, postorder, done = {}, [], set()

    def visit(tensor):
        history = tensor._keras_history
        if history is None:
            return
        layer, node_index = history[0], history[1]
        node = layer._inbound_nodes[node_index]
        if id(node) in done:
            return
        if not node.is_input and id(tensor) in input_ids:
            done.add(id(node))
            return
        preorder.setdefault(id(layer), (len(preorder), layer))
        done.add(id(node))
        if not node.is_input:
            for t in node.input_tensors:
                visit(t)
        postorder.append(node)

    for t in outputs:
        visit(t)
    in_graph = {id(n) for n in postorder}
    node_depth, layer_depth = {}, {}
    for node in reversed(postorder):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:
        layer = t._keras_history[0] if t._keras_history else None
        if layer is not None and id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            preorder[id(layer)] = (-1, layer)
    layers = [preorder[i][1] for i in layer_depth]
    layers.sort(key=lambda l: (-layer_depth[id(l)], preorder[id(l)][0]))
    return layers
