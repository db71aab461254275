// The browser half of a security-key ceremony (enrol or sign in): fetch options, ask the key, send its answer.
// The form that starts it carries its URLs and (translated) messages as data attributes: no inline script (CSP).
import { postJsonResponse } from "../http.js";
import { decode, encode } from "./base64url.js";

/** @param {any} options */
function creationOptions(options) {
  return {
    ...options,
    challenge: decode(options.challenge),
    user: { ...options.user, id: decode(options.user.id) },
    excludeCredentials: (options.excludeCredentials ?? []).map((/** @type {{id: string}} */ c) => ({ ...c, id: decode(c.id) })),
  };
}

/** @param {any} options */
function requestOptions(options) {
  return {
    ...options,
    challenge: decode(options.challenge),
    allowCredentials: (options.allowCredentials ?? []).map((/** @type {{id: string}} */ c) => ({ ...c, id: decode(c.id) })),
  };
}

/** @param {PublicKeyCredential} cred */
function credentialJSON(cred) {
  const r = /** @type {any} */ (cred.response);
  const response = { clientDataJSON: encode(r.clientDataJSON) };
  if (r.attestationObject) {
    Object.assign(response, {
      attestationObject: encode(r.attestationObject),
      transports: typeof r.getTransports === "function" ? r.getTransports() : [],
    });
  } else {
    Object.assign(response, {
      authenticatorData: encode(r.authenticatorData),
      signature: encode(r.signature),
      userHandle: r.userHandle ? encode(r.userHandle) : null,
    });
  }
  return {
    id: cred.id,
    rawId: encode(cred.rawId),
    type: cred.type,
    response,
    clientExtensionResults: cred.getClientExtensionResults(),
    authenticatorAttachment: cred.authenticatorAttachment ?? null,
  };
}

/** @param {HTMLFormElement} form */
async function run(form) {
  const error = document.getElementById("key-error");
  const show = (/** @type {string} */ text) => {
    if (error) {
      error.textContent = text;
      error.hidden = false;
    }
  };
  const d = form.dataset;
  // WebAuthn refuses a bare IP address as its relying party: say so plainly instead of "did not respond"
  if (/^[0-9.]+$/.test(window.location.hostname) || window.location.hostname.includes(":")
      || window.location.hostname.startsWith("[")) {
    show(d.msgBareIp ?? "");
    return;
  }
  if (!window.isSecureContext || !window.PublicKeyCredential) {
    show(d.msgUnsupported ?? "");
    return;
  }
  const optionsResponse = await postJsonResponse(d.optionsUrl ?? "", {});
  if (!optionsResponse.ok) {
    show(d.msgRefused ?? "");
    return;
  }
  const options = await optionsResponse.json();
  let cred;
  try {
    cred = d.ceremony === "enrol"
      ? await navigator.credentials.create({ publicKey: creationOptions(options) })
      : await navigator.credentials.get({ publicKey: requestOptions(options) });
  } catch (_err) {
    show(d.msgCancelled ?? "");
    return;
  }
  if (!cred) {
    show(d.msgCancelled ?? "");
    return;
  }
  const name = /** @type {HTMLInputElement | null} */ (form.elements.namedItem("name"));
  const code = /** @type {HTMLInputElement | null} */ (form.elements.namedItem("code"));
  const body = {
    credential: credentialJSON(/** @type {PublicKeyCredential} */ (cred)), next: d.next ?? "", name: name?.value ?? "",
    code: code?.value ?? "",
  };
  const finish = await postJsonResponse(d.finishUrl ?? "", body);
  if (!finish.ok) {
    show(d.msgRefused ?? "");
    return;
  }
  const result = await finish.json();
  window.location.assign(result.next);
}

const form = /** @type {HTMLFormElement | null} */ (document.getElementById("key-form"));
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    run(form).finally(() => {
      if (button) button.disabled = false;
    });
  });
}
