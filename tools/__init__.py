"""Developer tools that are not part of the lamina package (documentation generators)."""
