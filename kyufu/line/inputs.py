"""What a resident did in the chat, reduced from a LINE webhook event.

The conversation engine sees only ChatInput, never raw LINE payloads, so the
same engine can later serve a LIFF web form or staff-entered paper forms.
"""

from dataclasses import dataclass, field
from typing import Literal

InputKind = Literal["follow", "text", "postback", "other"]


@dataclass(frozen=True)
class ChatInput:
    kind: InputKind
    text: str = ""
    # Postback data (≤300 chars, our own "key=value&…" encoding).
    data: str = ""
    # Postback params from a date picker: {"date": "1985-04-12"}.
    params: dict[str, str] = field(default_factory=dict)
    # For kind "other": LINE's message type ("image", "sticker", …) and the
    # message id, with which an image can be fetched from the data API.
    message_type: str = ""
    message_id: str = ""
