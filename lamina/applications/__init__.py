"""lamina.applications: Keras's model zoo builders, with their submodules."""

from lamina.applications import (
    imagenet_utils,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
)
from lamina.applications.resnet import ResNet50, ResNet101, ResNet152
from lamina.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from lamina.applications.vgg16 import VGG16
from lamina.applications.vgg19 import VGG19
from lamina.applications import inception_resnet_v2, inception_v3, xception  # noqa: E402
from lamina.applications.inception_resnet_v2 import InceptionResNetV2  # noqa: E402
from lamina.applications.inception_v3 import InceptionV3  # noqa: E402
from lamina.applications.xception import Xception  # noqa: E402
from lamina.applications import mobilenet, mobilenet_v2  # noqa: E402
from lamina.applications.mobilenet import MobileNet  # noqa: E402
from lamina.applications.mobilenet_v2 import MobileNetV2  # noqa: E402
from lamina.applications import mobilenet_v3  # noqa: E402
from lamina.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small  # noqa: E402
from lamina.applications import densenet  # noqa: E402
from lamina.applications.densenet import DenseNet121, DenseNet169, DenseNet201  # noqa: E402
from lamina.applications import efficientnet  # noqa: E402
from lamina.applications.efficientnet import (  # noqa: E402
    EfficientNetB0, EfficientNetB1, EfficientNetB2, EfficientNetB3, EfficientNetB4,
    EfficientNetB5, EfficientNetB6, EfficientNetB7)
