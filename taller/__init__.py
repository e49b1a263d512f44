"""taller: autograded exercise kit for "Introducción al machine learning con TensorFlow"."""

__version__ = "0.1.0"
