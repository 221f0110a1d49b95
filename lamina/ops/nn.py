"""`keras.ops` neural-network operations: activations, one-hot, cross-entropies,
normalization, convolution, pooling and attention, over `jax.nn` and `jax.lax`.

Image-like arguments use `data_format` ("channels_last" (default, from
`image_data_format()`) means (batch, *spatial, channels)); kernels are always
(*spatial, in_channels, out_channels) as in Keras.

The code lives in one module per idea; this module gathers their names:
`_nn_activations`, `_nn_losses`, `_nn_normalization`, `_nn_conv_pool` and `_nn_attention`.
"""

from lamina.ops._nn_activations import (  # noqa: F401
    celu, elu, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_swish, hard_tanh,
    leaky_relu, log_sigmoid, log_softmax, polar, relu, relu6, selu, sigmoid, silu,
    soft_shrink, softmax, softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax,
    squareplus, swish, tanh_shrink, threshold,
)
from lamina.ops._nn_losses import (  # noqa: F401
    binary_crossentropy, categorical_crossentropy, ctc_decode, ctc_loss, multi_hot, one_hot,
    psnr, sparse_categorical_crossentropy,
)
from lamina.ops._nn_normalization import (  # noqa: F401
    batch_normalization, layer_normalization, moments, normalize, rms_normalization,
)
from lamina.ops._nn_conv_pool import (  # noqa: F401
    adaptive_average_pool, adaptive_max_pool, average_pool, conv, conv_transpose,
    depth_to_space, depthwise_conv, fold, max_pool, separable_conv, space_to_depth, unfold,
)
from lamina.ops._nn_attention import dot_product_attention  # noqa: F401
