"""bidkit: compose, check and render the after-sales service chapter of Chinese tender bids."""

__version__ = "0.1.0"
