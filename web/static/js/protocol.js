// The signaling protocol as the browser sees it: every message name and shape, declared once. It mirrors
// hub/signaling/protocol.py (described in docs/protocol.md); tests/web/test_protocol_js.py checks that both
// declare the same message types with the same fields, and that no other module spells a message name itself.
//
// Every client message is a request; Signaling.request adds its `id`, and the server answers each with one
// reply of the same `id` (the one named in Replies, or `error`). Server events carry no `id`.

/** @typedef {number | string} RequestId */

/**
 * @typedef {object} Participant
 * @property {string} id
 * @property {string} name
 * @property {string} role
 * @property {boolean} audio
 * @property {boolean} video
 */

/**
 * One m-line of the client's offer: its own camera/microphone (sendonly) or a receive slot (recvonly).
 * @typedef {object} Line
 * @property {string} name
 * @property {"audio" | "video"} kind
 * @property {"sendonly" | "recvonly"} direction
 */

/**
 * @typedef {object} IceCandidate
 * @property {string} candidate
 * @property {string | null} [sdpMid]
 * @property {number | null} [sdpMLineIndex]
 */

/** @typedef {Record<string, string | null>} SlotMap  who is on each receive slot (null: nobody) */

// ---- client → server ----------------------------------------------------------------------------------------

/**
 * Enter a room with a room token. Reply: `joined`, or `lobby` for roles that wait to be admitted.
 * @typedef {object} Join
 * @property {"join"} type
 * @property {string} room
 * @property {string} token
 */

/**
 * The client's SDP offer, with the m-lines `joined.lines` lists, in that order. Reply: `answer`.
 * `restart`: a re-offer of the same connection with new ICE credentials (an ICE restart); refused with
 * `restart_failed` when it cannot be done.
 * @typedef {object} Offer
 * @property {"offer"} type
 * @property {string} sdp
 * @property {boolean} [restart]
 */

/**
 * A trickled ICE candidate (null ends the candidates), sent after the offer it belongs to. Reply: `ok`.
 * @typedef {object} Ice
 * @property {"ice"} type
 * @property {IceCandidate | null} candidate
 */

/**
 * Host or interviewer: let one person in from the lobby. Reply: `ok`.
 * @typedef {object} Admit
 * @property {"admit"} type
 * @property {string} participant
 */

/**
 * Host or interviewer: turn one person in the lobby away. Reply: `ok`.
 * @typedef {object} Deny
 * @property {"deny"} type
 * @property {string} participant
 */

/**
 * The sender's microphone and camera state, shown to everyone. Reply: `ok`.
 * @typedef {object} MediaState
 * @property {"media_state"} type
 * @property {boolean} audio
 * @property {boolean} video
 */

/**
 * Host or interviewer: put one participant (or nobody: null) on everyone's main slot. Reply: `ok`.
 * @typedef {object} SetPresenter
 * @property {"set_presenter"} type
 * @property {string | null} participant
 */

/**
 * Host: remove a participant from the room. Reply: `ok`.
 * @typedef {object} Remove
 * @property {"remove"} type
 * @property {string} participant
 */

/**
 * Leave the room (the connection stays open). Reply: `ok`.
 * @typedef {object} Leave
 * @property {"leave"} type
 */

/**
 * Host: end the room for everyone. Reply: `ok`, then everyone gets `ended`.
 * @typedef {object} End
 * @property {"end"} type
 */

/**
 * Host or interviewer: "I know this room is not being recorded now" (after `recording` with `acknowledge`).
 * Logged in the audit chain with the reason. Reply: `ok`.
 * @typedef {object} AcknowledgeRecording
 * @property {"acknowledge_recording"} type
 */

/**
 * Keepalive. Reply: `pong`.
 * @typedef {object} Ping
 * @property {"ping"} type
 */

// ---- conferences (会控, docs/protocol.md "Conferences"): the chair's console and the venues' requests ----
// mirrors hub/signaling/conference_protocol.py

/**
 * @typedef {object} MutedVenue
 * @property {string} participant
 * @property {string} by
 */

/**
 * @typedef {object} FloorRequest
 * @property {string} participant
 * @property {number} order
 * @property {string} requested_at
 */

/**
 * @typedef {object} RollCallState
 * @property {string} participant
 * @property {string} called_at
 * @property {string | null} answered_at
 */

/**
 * @typedef {object} BroadcastState
 * @property {string | null} venue
 * @property {boolean} layout
 * @property {"chair" | "broadcast" | "roll_call" | "floor" | "voice" | "tour"} source
 */

/**
 * @typedef {object} TourState
 * @property {"broadcast" | "view"} mode
 * @property {number} seconds
 * @property {string[] | null} venues
 * @property {string | null} current
 */

/**
 * One venue on the chair's board.
 * @typedef {object} BoardRow
 * @property {string} participant
 * @property {string} name
 * @property {boolean} invited
 * @property {boolean} connected
 * @property {boolean} admitted
 * @property {boolean} camera
 * @property {boolean} microphone
 * @property {"good" | "fair" | "poor" | "unknown"} quality
 * @property {number | null} rtt_ms
 * @property {number | null} loss_pct
 * @property {boolean} ready
 * @property {number | null} people
 * @property {string | null} signed_in_at
 * @property {string | null} answered_roll_call_at
 * @property {boolean} muted
 * @property {boolean} speaking
 */

/**
 * Call a venue: let an uninvited one in from the lobby, or a hung-up one back. Reply: `ok`.
 * @typedef {object} CallVenue
 * @property {"call_venue"} type
 * @property {string} venue
 */

/**
 * Hang up a venue (it may be called again). Reply: `ok`.
 * @typedef {object} HangUp
 * @property {"hang_up"} type
 * @property {string} venue
 */

/**
 * Let everyone waiting in the lobby in. Reply: `ok`.
 * @typedef {object} AdmitAll
 * @property {"admit_all"} type
 */

/**
 * Mute a venue: its audio is no longer forwarded, and it cannot unmute itself unless given the floor.
 * @typedef {object} Mute
 * @property {"mute"} type
 * @property {string} venue
 */

/**
 * @typedef {object} Unmute
 * @property {"unmute"} type
 * @property {string} venue
 */

/**
 * Mute every venue but the chair's own.
 * @typedef {object} MuteAll
 * @property {"mute_all"} type
 */

/**
 * @typedef {object} UnmuteAll
 * @property {"unmute_all"} type
 */

/**
 * The chair's multi-picture: `layout` and the venues on it, in order (at most as many as it has pictures).
 * @typedef {object} SetLayout
 * @property {"set_layout"} type
 * @property {"single" | "2x2" | "3x3" | "4x4"} layout
 * @property {string[]} venues
 */

/**
 * Show everyone one venue (`venue`), the chair's multi-picture (`venue` null, `layout` true), or the chair again (both null/false).
 * @typedef {object} Broadcast
 * @property {"broadcast"} type
 * @property {string | null} venue
 * @property {boolean} [layout]
 */

/**
 * The chair's own large picture: one venue, or null (the broadcast).
 * @typedef {object} Watch
 * @property {"watch"} type
 * @property {string | null} venue
 */

/**
 * 点名发言: broadcast the venue to all and open its microphone; it answers with `answer_roll_call`.
 * @typedef {object} RollCall
 * @property {"roll_call"} type
 * @property {string} venue
 */

/**
 * 声控切换 on or off: the loudest unmuted venue is broadcast (held at least 3 s).
 * @typedef {object} VoiceSwitching
 * @property {"voice_switching"} type
 * @property {boolean} on
 */

/**
 * 轮巡: every `seconds`, broadcast (`broadcast`) or show the chair (`view`) the next venue of `venues` (null: every connected venue, in board order).
 * @typedef {object} Tour
 * @property {"tour"} type
 * @property {"broadcast" | "view"} mode
 * @property {number} seconds
 * @property {string[] | null} [venues]
 */

/**
 * @typedef {object} StopTour
 * @property {"stop_tour"} type
 */

/**
 * Lock (nobody new may join, called venues excepted) or unlock the conference.
 * @typedef {object} Lock
 * @property {"lock"} type
 * @property {boolean} locked
 */

/**
 * Move the planned end later by `minutes`.
 * @typedef {object} Extend
 * @property {"extend"} type
 * @property {number} minutes
 */

/**
 * End the conference for everyone (everyone gets `ended`).
 * @typedef {object} EndConference
 * @property {"end_conference"} type
 */

/**
 * Hand the chair to another admitted participant; the new chair may hand it on (or back).
 * @typedef {object} HandOver
 * @property {"hand_over"} type
 * @property {string} participant
 */

/**
 * Give the floor to a venue (from the queue or not): broadcast it and open its microphone.
 * @typedef {object} GrantFloor
 * @property {"grant_floor"} type
 * @property {string} venue
 */

/**
 * Take a venue's request off the queue without giving the floor.
 * @typedef {object} DeclineFloor
 * @property {"decline_floor"} type
 * @property {string} venue
 */

/**
 * Take the floor back: the venue that had it is muted again and the chair is broadcast.
 * @typedef {object} EndFloor
 * @property {"end_floor"} type
 */

/**
 * Allow (or no longer allow) a venue to share content.
 * @typedef {object} AllowContent
 * @property {"allow_content"} type
 * @property {string} venue
 * @property {boolean} allowed
 */

/**
 * 申请发言: join the queue of requests to speak.
 * @typedef {object} RequestFloor
 * @property {"request_floor"} type
 */

/**
 * @typedef {object} CancelFloor
 * @property {"cancel_floor"} type
 */

/**
 * 签到: the venue is here with `people` people present (again to correct the number).
 * @typedef {object} SignIn
 * @property {"sign_in"} type
 * @property {number} people
 */

/**
 * The called venue answers the roll call ("到").
 * @typedef {object} AnswerRollCall
 * @property {"answer_roll_call"} type
 */

/**
 * Start (`on` true) or stop sharing content on the `content` line (the chair, or a venue allowed to).
 * @typedef {object} ShareContent
 * @property {"share_content"} type
 * @property {boolean} on
 */

/**
 * What the venue's page reads from `getStats()` and its devices, every few seconds: the board shows it.
 * @typedef {object} VenueStats
 * @property {"venue_stats"} type
 * @property {boolean} camera
 * @property {boolean} microphone
 * @property {"good" | "fair" | "poor" | "unknown"} quality
 * @property {number | null} [rtt_ms]
 * @property {number | null} [loss_pct]
 * @property {number | null} [bitrate_kbps]
 */

/**
 * @typedef {Join | Offer | Ice | Admit | Deny | MediaState | SetPresenter | Remove | Leave | End | AcknowledgeRecording
 *   | Ping
 *   | CallVenue | HangUp | AdmitAll | Mute | Unmute | MuteAll | UnmuteAll | SetLayout | Broadcast | Watch
 *   | RollCall | VoiceSwitching | Tour | StopTour | Lock | Extend | EndConference | HandOver | GrantFloor
 *   | DeclineFloor | EndFloor | AllowContent | RequestFloor | CancelFloor | SignIn | AnswerRollCall
 *   | ShareContent | VenueStats} ClientRequest
 */
/** @typedef {ClientRequest["type"]} ClientType */

// ---- server → client ----------------------------------------------------------------------------------------
// Replies carry the request's `id`; events (no request behind them) carry none.

/**
 * You are in: your role, the m-lines to offer, who is on each slot, who is here.
 * @typedef {object} Joined
 * @property {"joined"} type
 * @property {RequestId | null} [id]
 * @property {string} room
 * @property {Participant} you
 * @property {Line[]} lines
 * @property {SlotMap} slots
 * @property {Participant[]} participants
 * @property {string | null} presenter
 * @property {boolean} recording
 * @property {RTCIceServer[]} ice_servers
 */

/**
 * You wait to be admitted; `position` 1 is next. A `joined` follows on admission, `denied` otherwise.
 * @typedef {object} Lobby
 * @property {"lobby"} type
 * @property {RequestId | null} [id]
 * @property {number} position
 */

/**
 * The server's SDP answer to `offer`.
 * @typedef {object} Answer
 * @property {"answer"} type
 * @property {RequestId | null} [id]
 * @property {string} sdp
 */

/**
 * The request was done.
 * @typedef {object} Ok
 * @property {"ok"} type
 * @property {RequestId | null} [id]
 */

/**
 * @typedef {object} Pong
 * @property {"pong"} type
 * @property {RequestId | null} [id]
 */

/**
 * The request was refused (its `code` is one of docs/protocol.md's error codes); the connection lives on.
 * @typedef {object} ErrorReply
 * @property {"error"} type
 * @property {RequestId | null} [id]
 * @property {string} code
 * @property {string} reason
 */

/**
 * @typedef {object} ParticipantJoined
 * @property {"participant_joined"} type
 * @property {RequestId | null} [id]
 * @property {Participant} participant
 */

/**
 * @typedef {object} ParticipantLeft
 * @property {"participant_left"} type
 * @property {RequestId | null} [id]
 * @property {string} participant
 * @property {string} reason
 */

/**
 * Someone muted/unmuted or turned the camera off/on.
 * @typedef {object} ParticipantState
 * @property {"participant_state"} type
 * @property {RequestId | null} [id]
 * @property {string} participant
 * @property {boolean} audio
 * @property {boolean} video
 */

/**
 * To those who may admit: the people waiting, in order.
 * @typedef {object} LobbyWaiting
 * @property {"lobby_waiting"} type
 * @property {RequestId | null} [id]
 * @property {Participant[]} waiting
 */

/**
 * To a person in the lobby: not admitted. The server closes the connection.
 * @typedef {object} Denied
 * @property {"denied"} type
 * @property {RequestId | null} [id]
 * @property {string} reason
 */

/**
 * Who is on each of your receive slots now.
 * @typedef {object} Slots
 * @property {"slots"} type
 * @property {RequestId | null} [id]
 * @property {SlotMap} slots
 * @property {string | null} presenter
 */

/**
 * Who presents now (null: nobody); sent to everyone admitted when it changes.
 * @typedef {object} Presenter
 * @property {"presenter"} type
 * @property {RequestId | null} [id]
 * @property {string | null} participant
 */

/**
 * Nobody receives your video now: take the camera track off its sender (no renegotiation).
 * @typedef {object} StopSending
 * @property {"stop_sending"} type
 * @property {RequestId | null} [id]
 * @property {"video"} kind
 * @property {string} [line]  the send line: `camera`; in conferences also `camera_small` or `content`
 */

/**
 * Someone needs your video again: put the camera track back on its sender.
 * @typedef {object} StartSending
 * @property {"start_sending"} type
 * @property {RequestId | null} [id]
 * @property {"video"} kind
 * @property {string} [line]  the send line: `camera`; in conferences also `camera_small` or `content`
 */

/**
 * Recording started or stopped; while a room that must be recorded is not, `reason` says why and `acknowledge`
 * asks the host to confirm (`acknowledge_recording`).
 * @typedef {object} Recording
 * @property {"recording"} type
 * @property {RequestId | null} [id]
 * @property {boolean} active
 * @property {string | null} [reason]
 * @property {boolean} [acknowledge]
 */

/**
 * The room has ended; the server closes the connection.
 * @typedef {object} Ended
 * @property {"ended"} type
 * @property {RequestId | null} [id]
 * @property {string} reason
 */

/**
 * The server closes this connection: `replaced` (you connected again elsewhere), `removed`, or `server_stopped`
 * (the hub is shutting down: reconnect, a restarted hub takes the call back).
 * @typedef {object} Closed
 * @property {"closed"} type
 * @property {RequestId | null} [id]
 * @property {string} reason
 */

/**
 * The conference as it is now, to everyone admitted: on joining, after every change, at most once a second for board updates.
 * @typedef {object} Conference
 * @property {"conference"} type
 * @property {RequestId | null} [id]
 * @property {number} conference
 * @property {string} title
 * @property {string | null} chair
 * @property {BroadcastState} broadcast
 * @property {"single" | "2x2" | "3x3" | "4x4"} layout
 * @property {string[]} layout_venues
 * @property {string | null} watch
 * @property {MutedVenue[]} muted
 * @property {string | null} floor
 * @property {FloorRequest[]} requests
 * @property {RollCallState | null} roll_call
 * @property {boolean} voice_switching
 * @property {TourState | null} tour
 * @property {boolean} locked
 * @property {string | null} ends_at
 * @property {string | null} content
 * @property {string[]} content_allowed
 * @property {string[]} speaking
 * @property {BoardRow[]} board
 */

/**
 * Every server message by its type.
 * @typedef {object} ServerMessages
 * @property {Joined} joined
 * @property {Lobby} lobby
 * @property {Answer} answer
 * @property {Ok} ok
 * @property {Pong} pong
 * @property {ErrorReply} error
 * @property {ParticipantJoined} participant_joined
 * @property {ParticipantLeft} participant_left
 * @property {ParticipantState} participant_state
 * @property {LobbyWaiting} lobby_waiting
 * @property {Denied} denied
 * @property {Slots} slots
 * @property {Presenter} presenter
 * @property {StopSending} stop_sending
 * @property {StartSending} start_sending
 * @property {Recording} recording
 * @property {Ended} ended
 * @property {Closed} closed
 * @property {Conference} conference
 */
/** @typedef {keyof ServerMessages} ServerType */
/** @typedef {ServerMessages[ServerType]} ServerMessage */

/**
 * The reply each request gets when it succeeds (an `error` reply rejects the request instead).
 * @typedef {object} Replies
 * @property {Joined | Lobby} join
 * @property {Answer} offer
 * @property {Ok} ice
 * @property {Ok} admit
 * @property {Ok} deny
 * @property {Ok} media_state
 * @property {Ok} set_presenter
 * @property {Ok} remove
 * @property {Ok} leave
 * @property {Ok} end
 * @property {Ok} acknowledge_recording
 * @property {Pong} ping
 * @property {Ok} call_venue
 * @property {Ok} hang_up
 * @property {Ok} admit_all
 * @property {Ok} mute
 * @property {Ok} unmute
 * @property {Ok} mute_all
 * @property {Ok} unmute_all
 * @property {Ok} set_layout
 * @property {Ok} broadcast
 * @property {Ok} watch
 * @property {Ok} roll_call
 * @property {Ok} voice_switching
 * @property {Ok} tour
 * @property {Ok} stop_tour
 * @property {Ok} lock
 * @property {Ok} extend
 * @property {Ok} end_conference
 * @property {Ok} hand_over
 * @property {Ok} grant_floor
 * @property {Ok} decline_floor
 * @property {Ok} end_floor
 * @property {Ok} allow_content
 * @property {Ok} request_floor
 * @property {Ok} cancel_floor
 * @property {Ok} sign_in
 * @property {Ok} answer_roll_call
 * @property {Ok} share_content
 * @property {Ok} venue_stats
 */

// ---- the names, as values ---------------------------------------------------------------------------------
// The mapped types make tsc insist that each object holds exactly the names of the typedefs above.

/**
 * Client request types.
 * @type {{readonly [K in ClientType as Uppercase<K>]: K}}
 */
export const CLIENT = {
  JOIN: "join",
  OFFER: "offer",
  ICE: "ice",
  ADMIT: "admit",
  DENY: "deny",
  MEDIA_STATE: "media_state",
  SET_PRESENTER: "set_presenter",
  REMOVE: "remove",
  LEAVE: "leave",
  END: "end",
  ACKNOWLEDGE_RECORDING: "acknowledge_recording",
  PING: "ping",
  CALL_VENUE: "call_venue",
  HANG_UP: "hang_up",
  ADMIT_ALL: "admit_all",
  MUTE: "mute",
  UNMUTE: "unmute",
  MUTE_ALL: "mute_all",
  UNMUTE_ALL: "unmute_all",
  SET_LAYOUT: "set_layout",
  BROADCAST: "broadcast",
  WATCH: "watch",
  ROLL_CALL: "roll_call",
  VOICE_SWITCHING: "voice_switching",
  TOUR: "tour",
  STOP_TOUR: "stop_tour",
  LOCK: "lock",
  EXTEND: "extend",
  END_CONFERENCE: "end_conference",
  HAND_OVER: "hand_over",
  GRANT_FLOOR: "grant_floor",
  DECLINE_FLOOR: "decline_floor",
  END_FLOOR: "end_floor",
  ALLOW_CONTENT: "allow_content",
  REQUEST_FLOOR: "request_floor",
  CANCEL_FLOOR: "cancel_floor",
  SIGN_IN: "sign_in",
  ANSWER_ROLL_CALL: "answer_roll_call",
  SHARE_CONTENT: "share_content",
  VENUE_STATS: "venue_stats",
};

/**
 * Server reply and event types.
 * @type {{readonly [K in ServerType as Uppercase<K>]: K}}
 */
export const SERVER = {
  JOINED: "joined",
  LOBBY: "lobby",
  ANSWER: "answer",
  OK: "ok",
  PONG: "pong",
  ERROR: "error",
  PARTICIPANT_JOINED: "participant_joined",
  PARTICIPANT_LEFT: "participant_left",
  PARTICIPANT_STATE: "participant_state",
  LOBBY_WAITING: "lobby_waiting",
  DENIED: "denied",
  SLOTS: "slots",
  PRESENTER: "presenter",
  STOP_SENDING: "stop_sending",
  START_SENDING: "start_sending",
  RECORDING: "recording",
  ENDED: "ended",
  CLOSED: "closed",
  CONFERENCE: "conference",
};

/**
 * The `code` of an `error` reply (docs/protocol.md "Error codes").
 */
export const ERROR_CODE = {
  BAD_JSON: "bad_json",
  TOO_LARGE: "too_large",
  UNKNOWN_TYPE: "unknown_type",
  INVALID_MESSAGE: "invalid_message",
  BINARY_FRAME: "binary_frame",
  OUT_OF_ORDER: "out_of_order",
  FORBIDDEN: "forbidden",
  BAD_TOKEN: "bad_token",
  TOKEN_EXPIRED: "token_expired",
  TOKEN_USED: "token_used",
  WRONG_ROOM: "wrong_room",
  NOT_YOURS: "not_yours",
  ROOM_ENDED: "room_ended",
  NOT_FOUND: "not_found",
  RECORDING_UNACKNOWLEDGED: "recording_unacknowledged",
  MEDIA_FAILED: "media_failed",
  // an ICE restart the server cannot do on this connection (the page falls back to a new connection)
  RESTART_FAILED: "restart_failed",
  RATE_LIMITED: "rate_limited",
  INTERNAL: "internal",
  NOT_CONFERENCE: "not_conference",
  NOT_CHAIR: "not_chair",
  MUTED_BY_CHAIR: "muted_by_chair",
  LOCKED: "locked",
  NOT_ALLOWED: "not_allowed",
  // several processes: the room's process cannot be reached now (the page tries again)
  NODE_UNREACHABLE: "node_unreachable",
};
