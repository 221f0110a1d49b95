"""`keras.ops.rearrange`: einops-style axis reordering, splitting and merging."""

import math
import re

import jax.numpy as jnp

from lamina.ops.dispatch import op


def _groups(side, pattern):
    """'b (h w) c' -> [['b'], ['h', 'w'], ['c']]."""
    if re.sub(r"[\w\s()]", "", side):
        raise ValueError(f"rearrange(): unsupported characters in pattern {pattern!r} "
                         "(only names and parentheses).")
    groups, current = [], None
    for token in re.findall(r"\(|\)|\w+", side):
        if token == "(":
            if current is not None:
                raise ValueError(f"rearrange(): nested parentheses in {pattern!r}.")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"rearrange(): unbalanced parentheses in {pattern!r}.")
            groups.append(current)
            current = None
        elif current is not None:
            current.append(token)
        else:
            groups.append([token])
    if current is not None:
        raise ValueError(f"rearrange(): unbalanced parentheses in {pattern!r}.")
    return groups


@op
def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, split and merge axes by an einops pattern, e.g.
    `rearrange(x, "b h w c -> b (h w) c")` or `rearrange(x, "b (h w) -> b h w", h=4)`.

    Axis sizes come from the input or from `axes_lengths`; one unknown name per group.
    """
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange(): the pattern needs one '->'; got {pattern!r}.")
    left, right = (_groups(side, pattern) for side in pattern.split("->"))
    x = jnp.asarray(tensor)
    if len(left) != x.ndim:
        raise ValueError(f"rearrange(): {pattern!r} names {len(left)} axes but the input "
                         f"has shape {x.shape}.")
    names_in = [a for group in left for a in group]
    names_out = [a for group in right for a in group]
    if len(set(names_in)) != len(names_in) or sorted(names_in) != sorted(names_out):
        raise ValueError(f"rearrange(): both sides of {pattern!r} must name the same axes, "
                         "each once.")
    sizes = dict(axes_lengths)
    for group, dim in zip(left, x.shape):
        unknown = [a for a in group if a not in sizes]
        known = math.prod(sizes[a] for a in group if a in sizes)
        if len(unknown) > 1:
            raise ValueError(f"rearrange(): give the sizes of all but one of {group}.")
        if unknown and dim % known == 0:
            sizes[unknown[0]] = dim // known
        elif unknown or known != dim:
            raise ValueError(f"rearrange(): axis {group} of size {dim} does not match the "
                             f"given sizes {axes_lengths}.")
    x = x.reshape([sizes[a] for a in names_in])
    x = x.transpose([names_in.index(a) for a in names_out])
    return x.reshape([math.prod(sizes[a] for a in group) for group in right])
