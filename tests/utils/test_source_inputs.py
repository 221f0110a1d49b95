"""get_source_inputs: the Input tensors behind a symbolic tensor."""

import lamina


def test_source_inputs_of_a_two_input_graph_in_order():
    a, b = lamina.Input((3,), name="a"), lamina.Input((3,), name="b")
    h = lamina.layers.Dense(2)(a)
    out = lamina.layers.Add()([lamina.layers.Dense(2)(b), h])
    out = lamina.layers.Concatenate()([out, h])
    assert lamina.utils.get_source_inputs(out) == [b, a]
    assert lamina.utils.get_source_inputs(h) == [a]
    assert lamina.utils.get_source_inputs(a) == [a]


def test_a_value_without_history_is_its_own_source():
    assert lamina.utils.get_source_inputs(3.0) == [3.0]
