// The hub's signaling protocol over one WebSocket (hub/signaling/protocol.py, docs/protocol.md):
// every request carries an `id`; the server answers each with exactly one reply of the same `id`.

/** @typedef {{type: string, id?: number | string, [key: string]: any}} Message */

export class SignalingError extends Error {
  /** @param {Message} reply */
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
    /** @type {Map<number, {resolve: (m: Message) => void, reject: (e: Error) => void}>} */
    this.pending = new Map();
    /** @type {Map<string, Array<(m: Message) => void>>} */
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
    /** @type {Message} */
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const waiting = typeof message.id === "number" ? this.pending.get(message.id) : undefined;
    if (waiting) {
      this.pending.delete(/** @type {number} */ (message.id));
      if (message.type === "error") waiting.reject(new SignalingError(message));
      else waiting.resolve(message);
      return;
    }
    for (const handler of this.handlers.get(message.type) || []) handler(message);
  }

  /**
   * @param {string} type
   * @param {(m: Message) => void} handler
   */
  on(type, handler) {
    const list = this.handlers.get(type) || [];
    list.push(handler);
    this.handlers.set(type, list);
  }

  /**
   * Send a request and wait for its reply (an `error` reply rejects with SignalingError).
   * @param {Message} message
   * @param {number} [timeoutMs]
   * @returns {Promise<Message>}
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
        resolve: (m) => { clearTimeout(timer); resolve(m); },
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
