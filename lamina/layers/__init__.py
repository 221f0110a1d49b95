from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.layers.conv import Conv1D, Conv2D, Conv3D
from lamina.layers.attention import AdditiveAttention, Attention
from lamina.layers.core import Activation, Dense, Identity, Lambda
from lamina.layers.embedding import Embedding
from lamina.layers.einsum_dense import EinsumDense
from lamina.layers.masking import Masking
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.jax_layer import FlaxLayer, JaxLayer
from lamina.layers.multi_head_attention import MultiHeadAttention
from lamina.layers.grouped_query_attention import GroupedQueryAttention
from lamina.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from lamina.layers.normalization import BatchNormalization, LayerNormalization, RMSNormalization
from lamina.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from lamina.layers.preprocessing import (
    CategoryEncoding,
    CenterCrop,
    Discretization,
    HashedCrossing,
    Hashing,
    IntegerLookup,
    Normalization,
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Rescaling,
    Resizing,
    StringLookup,
    TextVectorization,
)
from lamina.layers.regularization import (
    Dropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from lamina.layers.recurrent import (
    GRU,
    ConvLSTM1D,
    ConvLSTM2D,
    ConvLSTM3D,
    LSTM,
    RNN,
    Bidirectional,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
    TimeDistributed,
)
from lamina.layers.reshaping import Flatten, Permute, RepeatVector, Reshape
from lamina.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from lamina.layers.conv_transpose import Conv1DTranspose, Conv2DTranspose, Conv3DTranspose
from lamina.layers.cropping import Cropping1D, Cropping2D, Cropping3D
from lamina.layers.depthwise_conv import (
    DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D)
from lamina.layers.padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D
from lamina.layers.group_normalization import GroupNormalization
from lamina.layers.unit_normalization import UnitNormalization
from lamina.layers.activity_regularization import ActivityRegularization
from lamina.layers.adaptive_pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
)
from lamina.layers.alpha_dropout import AlphaDropout
from lamina.layers.upsampling import UpSampling1D, UpSampling2D, UpSampling3D
from lamina.layers.layer_serialization import deserialize, serialize
from lamina.layers.pipeline import Pipeline
from lamina.layers.preprocessing.auto_contrast import AutoContrast
from lamina.layers.preprocessing.equalization import Equalization
from lamina.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from lamina.layers.preprocessing.random_invert_grayscale import RandomGrayscale, RandomInvert
from lamina.layers.preprocessing.random_posterization import RandomPosterization
from lamina.layers.preprocessing.random_sharpness import RandomSharpness
from lamina.layers.preprocessing.solarization import Solarization
from lamina.layers.preprocessing.random_hue_saturation import RandomHue, RandomSaturation
from lamina.layers.preprocessing.random_color_jitter import RandomColorJitter
from lamina.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur
from lamina.layers.preprocessing.random_shear import RandomShear
from lamina.layers.preprocessing.random_perspective import RandomPerspective
from lamina.layers.preprocessing.random_erasing import RandomErasing
from lamina.layers.preprocessing.random_elastic_transform import RandomElasticTransform
from lamina.layers.preprocessing.mix_up import MixUp
from lamina.layers.preprocessing.cut_mix import CutMix
from lamina.layers.preprocessing.rand_augment import RandAugment
from lamina.layers.preprocessing.aug_mix import AugMix
from lamina.layers.preprocessing.max_num_bounding_boxes import MaxNumBoundingBoxes
from lamina.layers.preprocessing.clahe import ContrastLimitedAdaptiveHistogramEqualization
from lamina.layers.reversible_embedding import ReversibleEmbedding
from lamina.layers.spectral_normalization import SpectralNormalization
from lamina.layers.wrapper import Wrapper

Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D)
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (
    Conv1DTranspose, Conv2DTranspose, Conv3DTranspose)
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
GroupQueryAttention = GroupedQueryAttention
