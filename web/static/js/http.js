// JSON requests to the hub's own API. Every POST carries the page's CSRF token (the <meta name="csrf-token">
// every shell template writes); the server refuses a POST without it.

/** The error body the hub's API answers with: {"error": {"code": ..., "message": ...}}. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string | undefined} code
   */
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @returns {string} */
export function csrfToken() {
  const meta = /** @type {HTMLMetaElement | null} */ (document.querySelector('meta[name="csrf-token"]'));
  return meta ? meta.content : "";
}

/**
 * POST JSON with the CSRF token and hand back the response as it is (for callers that read the status).
 * Rejects only when the network fails.
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<Response>}
 */
export function postJsonResponse(path, body) {
  return fetch(path, {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), Accept: "application/json" },
    body: JSON.stringify(body ?? {}),
  });
}

/**
 * POST JSON with the CSRF token; resolves to the parsed body (its shape is the caller's to state), rejects with
 * an HttpError on an error status.
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<unknown>}
 */
export async function postJson(path, body) {
  const response = await postJsonResponse(path, body);
  /** @type {{error?: {code?: string, message?: string}}} */
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data && typeof data === "object" ? data.error : undefined;
    throw new HttpError(response.status, (error && error.message) || response.statusText, error && error.code);
  }
  return data;
}
