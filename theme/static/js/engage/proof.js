/* engage/proof.js: the proof of work a costly write carries (pollserver's web/proof.py).
 * When a reader starts a form, fetch a challenge for its item (GET /api/altcha) and solve it
 * in a Web Worker (proof-worker.js) while they type, so sending costs no visible wait; the
 * answer goes with the write as "altcha" and is used once, so the next one is prepared at
 * once. Resolves to null when the server needs no proof (or the browser cannot solve one:
 * the write then gets the server's own answer).
 */
import { api } from "./shared.js";

// A challenge is answerable for 30 minutes; one older than this is fetched anew.
var FRESH_MS = 25 * 60 * 1000;
var WORKER_URL = new URL("./proof-worker.js", import.meta.url);
var ready = {};

function encode(challenge, number) {
  return btoa(JSON.stringify({
    algorithm: challenge.algorithm, challenge: challenge.challenge, number: number,
    salt: challenge.salt, signature: challenge.signature
  }));
}

function solve(challenge) {
  return new Promise(function (resolve) {
    var worker;
    try {
      worker = new Worker(WORKER_URL);
    } catch (error) {
      resolve(null);
      return;
    }
    worker.onmessage = function (event) {
      worker.terminate();
      resolve(event.data && typeof event.data.number === "number"
        ? encode(challenge, event.data.number) : null);
    };
    worker.onerror = function () { worker.terminate(); resolve(null); };
    worker.postMessage(challenge);
  });
}

/* Start solving for "kind:id" (idempotent while the answer is fresh). */
export function prepare(target) {
  var held = ready[target];
  if (held && Date.now() - held.at < FRESH_MS) return held.answer;
  var answer = api("GET", "/api/altcha?item=" + encodeURIComponent(target)).then(function (result) {
    if (!result.ok || !result.data || result.data.proof === "off") return null;
    return solve(result.data);
  });
  ready[target] = { at: Date.now(), answer: answer };
  return answer;
}

/* The answer for one write to "kind:id"; the next write gets a new one. */
export function proofFor(target) {
  var answer = prepare(target);
  delete ready[target];
  return answer;
}

/* Prepare when the reader first touches the form. */
export function prepareOn(form, target) {
  form.addEventListener("focusin", function () { prepare(target()); });
}

/* Add the answer to a write's body, then send it. */
export function withProof(target, body) {
  return proofFor(target).then(function (answer) {
    if (answer) body.altcha = answer;
    return body;
  });
}
