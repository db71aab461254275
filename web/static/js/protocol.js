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
 * @typedef {object} Offer
 * @property {"offer"} type
 * @property {string} sdp
 */

/**
 * A trickled ICE candidate (null ends the candidates). Reply: `ok`. (This client puts them in the offer.)
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

/**
 * @typedef {Join | Offer | Ice | Admit | Deny | MediaState | SetPresenter | Remove | Leave | End | AcknowledgeRecording
 *   | Ping} ClientRequest
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
 */

/**
 * Someone needs your video again: put the camera track back on its sender.
 * @typedef {object} StartSending
 * @property {"start_sending"} type
 * @property {RequestId | null} [id]
 * @property {"video"} kind
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
  RATE_LIMITED: "rate_limited",
  INTERNAL: "internal",
  // several processes: the room's process cannot be reached now (the page tries again)
  NODE_UNREACHABLE: "node_unreachable",
};
