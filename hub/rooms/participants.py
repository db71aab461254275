"""What each role may do in a room. Interviewees and petitioners never gain control."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ParticipantRole(StrEnum):
    HOST = "host"  # opens, admits, removes and ends
    INTERVIEWER = "interviewer"  # 谈话人: admits, picks the presenter
    CLERK = "clerk"  # 记录人: speaks, takes the record
    INTERVIEWEE = "interviewee"  # 被谈话人
    PETITIONER = "petitioner"  # 信访人
    WITNESS = "witness"  # silent observer: receives only
    KIOSK = "kiosk"  # the township terminal the petitioner uses
    VENUE = "venue"  # an invited venue of a conference (分会场): joins directly, speaks


@dataclass(frozen=True)
class Rights:
    speak: bool  # publish camera and microphone
    admit: bool  # admit or deny people waiting in the lobby
    end: bool  # end the room for everyone
    remove: bool  # remove a participant
    present: bool  # choose who is on everyone's main slot
    waits_in_lobby: bool  # must be admitted before joining


RIGHTS: dict[ParticipantRole, Rights] = {
    ParticipantRole.HOST: Rights(speak=True, admit=True, end=True, remove=True, present=True, waits_in_lobby=False),
    ParticipantRole.INTERVIEWER: Rights(speak=True, admit=True, end=False, remove=False, present=True, waits_in_lobby=False),
    ParticipantRole.CLERK: Rights(speak=True, admit=False, end=False, remove=False, present=False, waits_in_lobby=False),
    ParticipantRole.INTERVIEWEE: Rights(speak=True, admit=False, end=False, remove=False, present=False, waits_in_lobby=True),
    ParticipantRole.PETITIONER: Rights(speak=True, admit=False, end=False, remove=False, present=False, waits_in_lobby=True),
    ParticipantRole.WITNESS: Rights(speak=False, admit=False, end=False, remove=False, present=False, waits_in_lobby=True),
    ParticipantRole.KIOSK: Rights(speak=True, admit=False, end=False, remove=False, present=False, waits_in_lobby=True),
    ParticipantRole.VENUE: Rights(speak=True, admit=False, end=False, remove=False, present=False, waits_in_lobby=False),
}
