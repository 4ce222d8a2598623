"""ficlens: read fan fiction like a careful reader and write down what it found."""

__version__ = "0.1.0"
