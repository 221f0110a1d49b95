"""lamina.visualization: drawing boxes and masks on images, image galleries."""

from lamina.visualization.draw_segmentation_masks import draw_segmentation_masks
from lamina.visualization.draw_bounding_boxes import draw_bounding_boxes
from lamina.visualization.plot_bounding_box_gallery import plot_bounding_box_gallery
from lamina.visualization.plot_image_gallery import plot_image_gallery
from lamina.visualization.plot_segmentation_mask_gallery import plot_segmentation_mask_gallery
