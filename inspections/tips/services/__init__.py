"""Writes of the whistleblower programme: submitting, handling, retention, rewards."""

from inspections.tips.services.handling import (
    tip_acknowledge,
    tip_assign,
    tip_attachment_opened,
    tip_close,
    tip_contact_reveal,
    tip_investigate,
    tip_message_send,
    tip_note_add,
    tip_open,
    tip_substantiate,
    tip_unsubstantiate,
)
from inspections.tips.services.retention import tips_purge, tips_remind
from inspections.tips.services.rewards import tip_reward_claim, tip_reward_collect
from inspections.tips.services.submission import (
    SubmitResult,
    tip_reply,
    tip_submit,
)

__all__ = [
    "SubmitResult",
    "tip_acknowledge",
    "tip_assign",
    "tip_attachment_opened",
    "tip_close",
    "tip_contact_reveal",
    "tip_investigate",
    "tip_message_send",
    "tip_note_add",
    "tip_open",
    "tip_reply",
    "tip_reward_claim",
    "tip_reward_collect",
    "tip_submit",
    "tip_substantiate",
    "tip_unsubstantiate",
    "tips_purge",
    "tips_remind",
]
