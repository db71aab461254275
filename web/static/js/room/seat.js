// A seat in a room session: the short-lived room token the hub issues to the caller after checking the right
// to join (hub/rooms/session_views.py). Tokens live two minutes, so each use fetches a fresh one.

import { postJson } from "../http.js";

/**
 * @typedef {object} Seat
 * @property {string} token  signed room token for the signaling `join`
 * @property {string} room  the signaling room
 * @property {string} participant
 * @property {string} name
 * @property {string} role
 * @property {number} expires_in  seconds
 * @property {string} title
 */

/**
 * @param {number} session  the room session's id
 * @returns {Promise<Seat>}
 */
export async function fetchSeat(session) {
  return /** @type {Seat} */ (await postJson(`/api/v1/room-sessions/${session}/token`));
}
