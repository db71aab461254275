// The hub's signaling protocol over one WebSocket (its messages: ../protocol.js): every request carries an
// `id`; the server answers each with exactly one reply of the same `id`.

import { SERVER } from "../protocol.js";

/** @typedef {import("../protocol.js").ClientRequest} ClientRequest */
/** @typedef {import("../protocol.js").ErrorReply} ErrorReply */
/** @typedef {import("../protocol.js").Replies} Replies */
/** @typedef {import("../protocol.js").ServerMessage} ServerMessage */
/** @typedef {import("../protocol.js").ServerMessages} ServerMessages */
/** @typedef {import("../protocol.js").ServerType} ServerType */

export class SignalingError extends Error {
  /** @param {ErrorReply} reply */
  constructor(reply) {
    super(`${reply.code}: ${reply.reason}`);
    this.code = String(reply.code);
  }
}

export class Signaling {
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.nextId = 1;
    /** @type {Map<number, {resolve: (m: ServerMessage) => void, reject: (e: Error) => void}>} */
    this.pending = new Map();
    /** @type {Map<ServerType, Array<(m: ServerMessage) => void>>} */
    this.handlers = new Map();
    /** called once when the socket closes, with whether we closed it ourselves */
    /** @type {(byUs: boolean) => void} */
    this.onclose = () => {};
    this.closedByUs = false;
  }

  /** @returns {Promise<void>} */
  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("signaling connection failed"));
      ws.onmessage = (event) => this.receive(String(event.data));
      ws.onclose = () => {
        for (const { reject: fail } of this.pending.values()) fail(new Error("signaling connection closed"));
        this.pending.clear();
        this.onclose(this.closedByUs);
      };
    });
  }

  /** @param {string} text */
  receive(text) {
    /** @type {ServerMessage} */ // trusted as the server's own: hub/signaling/protocol.py declares what it sends
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const waiting = typeof message.id === "number" ? this.pending.get(message.id) : undefined;
    if (waiting) {
      this.pending.delete(/** @type {number} */ (message.id));
      if (message.type === SERVER.ERROR) waiting.reject(new SignalingError(message));
      else waiting.resolve(message);
      return;
    }
    for (const handler of this.handlers.get(message.type) || []) handler(message);
  }

  /**
   * Call `handler` with every server event of this type (replies go to their request instead).
   * @template {ServerType} K
   * @param {K} type
   * @param {(m: ServerMessages[K]) => void} handler
   */
  on(type, handler) {
    const list = this.handlers.get(type) || [];
    // receive() hands each handler only messages of its own type
    list.push(/** @type {(m: ServerMessage) => void} */ (handler));
    this.handlers.set(type, list);
  }

  /**
   * Send a request and wait for its reply (an `error` reply rejects with SignalingError).
   * @template {ClientRequest} R
   * @param {R} message
   * @param {number} [timeoutMs]
   * @returns {Promise<Replies[R["type"]]>}
   */
  request(message, timeoutMs = 15000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new Error("signaling is not connected"));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${message.type}`));
      }, timeoutMs);
      this.pending.set(id, {
        // the server answers each request type with the reply Replies names (hub/signaling/protocol.py)
        resolve: (m) => { clearTimeout(timer); resolve(/** @type {Replies[R["type"]]} */ (m)); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.ws.send(JSON.stringify({ ...message, id }));
    });
  }

  close() {
    this.closedByUs = true;
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close();
  }
}
