"""Server-side media: one peer connection per participant, encoded frames forwarded between them.

The forwarding path never decodes: the receiver's assembled frames are taken from its decoder queue
(`tap.py`) and handed as `av.Packet`s to the other participants' senders (`tracks.py`). `MediaEngine`
(`engine.py`) owns every room and peer; `baseline_relay=True` swaps in aiortc's stock `MediaRelay`
(decode + re-encode) so the benchmark can compare both.
"""

from hub.media.engine import MediaEngine
from hub.media.room import FrameTiming, MediaRoom, RoomTap
from hub.media.slots import SlotLayout

__all__ = ["FrameTiming", "MediaEngine", "MediaRoom", "RoomTap", "SlotLayout"]
