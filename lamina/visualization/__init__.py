"""lamina.visualization: drawing boxes and masks on images, image galleries."""

from lamina.visualization.draw_segmentation_masks import draw_segmentation_masks
from lamina.visualization.draw_bounding_boxes import draw_bounding_boxes
