"""bidkit: compose, check and render the after-sales service chapter of Chinese tender bids."""
from bidkit.native import enable

__version__ = "0.1.0"

enable(__path__, __name__)  # the compiled extractor, when built from these sources (native.py)
