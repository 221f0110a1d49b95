"""FarmHash Fingerprint64 of integers' decimal strings, in 32-bit JAX arithmetic.

Keras's Hashing layer hashes an integer as TensorFlow does: the hash of its decimal
string (`str(x)`) with FarmHash's Fingerprint64, modulo the number of bins. lamina's
integer arrays are int32, whose decimal strings are at most 11 bytes long, so only
FarmHash's 0-16 byte case is needed. JAX (without x64) has no 64-bit integers: a 64-bit
value here is a pair (hi, lo) of uint32 arrays, and the arithmetic is written on those
pairs, so the hash compiles with the rest of a model.
"""

import jax.numpy as jnp
import numpy as np

_K0 = 0xC3A5C85C97CB3127
_K2 = 0x9AE16A3B2F90404F
_U32 = jnp.uint32


def _const(value, like):
    return (jnp.full(like.shape, (value >> 32) & 0xFFFFFFFF, _U32),
            jnp.full(like.shape, value & 0xFFFFFFFF, _U32))


def _small(x):
    """A uint32 array as a 64-bit pair."""
    return jnp.zeros_like(x), x


def _add(a, b):
    lo = a[1] + b[1]
    return a[0] + b[0] + (lo < a[1]).astype(_U32), lo


def _xor(a, b):
    return a[0] ^ b[0], a[1] ^ b[1]


def _or(a, b):
    return a[0] | b[0], a[1] | b[1]


def _shr(a, s):
    if s >= 32:
        return jnp.zeros_like(a[0]), a[0] >> (s - 32)
    return a[0] >> s, (a[1] >> s) | (a[0] << (32 - s))


def _shl(a, s):
    if s >= 32:
        return a[1] << (s - 32), jnp.zeros_like(a[1])
    return (a[0] << s) | (a[1] >> (32 - s)), a[1] << s


def _rotate(a, s):
    return _or(_shr(a, s), _shl(a, 64 - s))


def _mul32(x, y):
    """The full 64-bit product of two uint32 arrays, from 16-bit halves."""
    x1, x0, y1, y0 = x >> 16, x & 0xFFFF, y >> 16, y & 0xFFFF
    low, cross1, cross2, high = x0 * y0, x0 * y1, x1 * y0, x1 * y1
    middle = cross1 + cross2
    middle_carry = (middle < cross1).astype(_U32)
    lo = low + (middle << 16)
    lo_carry = (lo < low).astype(_U32)
    return high + (middle >> 16) + (middle_carry << 16) + lo_carry, lo


def _mul(a, b):
    """a * b modulo 2**64."""
    hi, lo = _mul32(a[1], b[1])
    return hi + a[0] * b[1] + a[1] * b[0], lo


def _shift_mix(a):
    return _xor(a, _shr(a, 47))


def _hash_len16(u, v, mul):
    a = _shift_mix(_mul(_xor(u, v), mul))
    b = _shift_mix(_mul(_xor(v, a), mul))
    return _mul(b, mul)


def _decimal_bytes(x):
    """(bytes (..., 16) uint32, length) of the decimal strings of int32 `x`."""
    negative = x < 0
    magnitude = jnp.where(negative, _U32(0) - x.astype(_U32), x.astype(_U32))
    powers = jnp.asarray(10 ** np.arange(10, dtype=np.uint64), dtype=_U32)
    digits = (magnitude[..., None] // powers) % 10  # least significant first
    count = 1 + jnp.sum(magnitude[..., None] >= powers[1:], axis=-1).astype(jnp.int32)
    sign = negative.astype(jnp.int32)
    length = count + sign
    position = jnp.arange(16, dtype=jnp.int32)
    digit_index = jnp.clip(count[..., None] - 1 - (position - sign[..., None]), 0, 9)
    digit = jnp.take_along_axis(digits, digit_index, axis=-1) + 48
    chars = jnp.where((position == 0) & negative[..., None], _U32(45), digit)
    return jnp.where(position < length[..., None], chars, _U32(0)), length


def _word(chars, offset):
    """The little-endian uint32 at byte `offset` (per element) of `chars`."""
    idx = offset[..., None] + jnp.arange(4, dtype=jnp.int32)
    b = jnp.take_along_axis(chars, idx, axis=-1)
    return b[..., 0] | (b[..., 1] << 8) | (b[..., 2] << 16) | (b[..., 3] << 24)


def _fetch64(chars, offset):
    return _word(chars, offset + 4), _word(chars, offset)


def fingerprint64(x):
    """Fingerprint64 of `str(v)` for each v of int32 `x`, as a (hi, lo) uint32 pair."""
    chars, length = _decimal_bytes(x.astype(jnp.int32))
    n = _small(length.astype(_U32))
    k2 = _const(_K2, length)
    mul = _add(k2, _add(n, n))
    zero = jnp.zeros_like(length)
    # 8 to 16 bytes
    a = _add(_fetch64(chars, zero), k2)
    b = _fetch64(chars, jnp.maximum(length - 8, 0))
    c = _add(_mul(_rotate(b, 37), mul), a)
    d = _mul(_add(_rotate(a, 25), b), mul)
    long_hash = _hash_len16(c, d, mul)
    # 4 to 7 bytes
    first = _small(_word(chars, zero))
    last = _small(_word(chars, jnp.maximum(length - 4, 0)))
    mid_hash = _hash_len16(_add(n, _shl(first, 3)), last, mul)
    # 1 to 3 bytes
    at = lambda i: jnp.take_along_axis(chars, i[..., None], axis=-1)[..., 0]
    y = at(zero) + (at(length >> 1) << 8)
    z = length.astype(_U32) + (at(length - 1) << 2)
    short_hash = _mul(_shift_mix(_xor(_mul(_small(y), k2), _mul(_small(z), _const(_K0, length)))),
                      k2)
    pick = lambda i: jnp.where(length >= 8, long_hash[i],
                               jnp.where(length >= 4, mid_hash[i], short_hash[i]))
    return pick(0), pick(1)


def mod(value, n):
    """(hi * 2**32 + lo) % n for a uint32 pair and a Python int 0 < n < 2**31, as int32:
    the bits are folded in from the top, `step` at a time, with the remainder < n."""
    n = int(n)
    step = max(1, min(16, 32 - n.bit_length()))
    hi, lo = value
    remainder = jnp.zeros_like(hi)
    bits = 64
    while bits > 0:
        take = min(step, bits)
        bits -= take
        chunk = _shr((hi, lo), bits)[1] & _U32((1 << take) - 1)
        remainder = ((remainder << take) + chunk) % _U32(n)
    return remainder.astype(jnp.int32)
