"""hub: video-enabled remote interview and petition hub for a county commission."""

__version__ = "0.1.0"
