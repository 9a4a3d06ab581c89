/* engage/shared.js: what every engage widget module uses: DOM helpers, the API client (the
 * voter cookie's credentials and the first-write hold) and the reader-facing messages.
 *
 * The build renders real forms that post without JavaScript; each widget module (poll.js,
 * jam.js, survey.js, roadmap.js) upgrades the blocks of its kind and is loaded only on pages
 * that hold one. They all import this one module, so a page runs it once and its state (the
 * first-write hold below) is shared by every widget on the page. No framework, no inline
 * handlers (CSP script-src 'self'), no style attributes (CSP style-src 'self'), and everything
 * a reader wrote is put on the page with textContent, never innerHTML (an idea's body comes
 * as HTML the server cleaned with nh3 and is parsed in an inert document: jam.js).
 */

/* ---- small helpers ---------------------------------------------------------------- */

export function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (name) {
    var value = attrs[name];
    if (value === null || value === undefined || value === false) return;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  });
  (children || []).forEach(function (child) {
    if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function plural(n, one, many) {
  return n + " " + (n === 1 ? one : many);
}

/* Plain text with its line breaks, built from text nodes and <br> only. */
export function textWithBreaks(text) {
  var wrapper = el("p", { className: "engage-idea-body" });
  String(text || "").split("\n").forEach(function (line, index) {
    if (index) wrapper.appendChild(document.createElement("br"));
    wrapper.appendChild(document.createTextNode(line));
  });
  return wrapper;
}

/* ---- the API ---------------------------------------------------------------------- */

/* pollserver's origin when the site is served from another host (ENGAGE_API_URL at build
   time, in <meta name="engage-api">); the voter cookie then travels with credentials. */
var API_BASE = (function () {
  var meta = document.querySelector('meta[name="engage-api"]');
  return meta ? String(meta.getAttribute("content") || "").replace(/\/+$/, "") : "";
})();

/* A page pollserver serves (/me, /jams/ID), on its own origin when that is another host. */
export function serverUrl(path) {
  return API_BASE + path;
}

/* The voter cookie comes with the answer to the first write, so writes sent before that
   answer would each count as a new person. Until one write has succeeded, writes go one at
   a time and every engage control on the page is disabled while one is on its way. */
var firstWrite = null;
var wrote = false;

function holdControls(on) {
  var selector = "[data-engage-kind] button, [data-engage-kind] input, " +
    "[data-engage-kind] select, [data-engage-kind] textarea";
  Array.prototype.forEach.call(document.querySelectorAll(selector), function (control) {
    if (on && !control.disabled) {
      control.disabled = true;
      control.setAttribute("data-engage-held", "true");
    } else if (!on && control.getAttribute("data-engage-held")) {
      control.disabled = false;
      control.removeAttribute("data-engage-held");
    }
  });
}

/* Call the API: resolves to {ok, status, data, retryAfter}, never rejects. */
export function api(method, url, body) {
  if (method === "GET" || wrote) return send(method, url, body);
  if (firstWrite) {
    return firstWrite.then(function () { return api(method, url, body); });
  }
  holdControls(true);
  firstWrite = send(method, url, body).then(function (result) {
    if (result.ok) wrote = true;
    firstWrite = null;
    holdControls(false);
    return result;
  });
  return firstWrite;
}

function send(method, url, body) {
  var options = {
    method: method, credentials: API_BASE ? "include" : "same-origin",
    headers: { Accept: "application/json" }
  };
  if (url.charAt(0) === "/") url = API_BASE + url;  /* form actions are already absolute */
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  return fetch(url, options).then(function (response) {
    return response.json().catch(function () { return null; }).then(function (data) {
      return {
        ok: response.ok, status: response.status, data: data,
        retryAfter: response.headers.get("Retry-After")
      };
    });
  }, function () {
    return { ok: false, status: 0, data: null, retryAfter: null };
  });
}

/* The error code of an API answer, or "". */
export function errorCode(result) {
  return (result.data && result.data.error && result.data.error.code) || "";
}

/* The reader-facing words for an API error. */
export function errorText(result, subject) {
  var error = (result.data && result.data.error) || {};
  var wait = parseInt(result.retryAfter, 10);
  switch (error.code) {
    case "already_voted": return "You have already voted in this " + subject + ".";
    case "poll_closed": return error.message || "This " + subject + " has closed.";
    case "poll_not_open": return error.message || "This " + subject + " is not open yet.";
    case "invalid_choice": return error.message || "Please pick from the answers shown.";
    case "no_votes_left":
      return "You have used all your votes. Take a vote back from another idea to vote for this one.";
    case "rate_limited":
      return "That was a lot of tries in a short time. Please wait " +
        (wait > 0 ? plural(wait, "second", "seconds") : "a moment") + " and try again.";
    case "not_found": return "This " + subject + " is not available right now.";
    default:
      if (result.status === 0) return "We could not reach the server. Check your connection and try again.";
      return error.message || "Something went wrong on our side. Please try again in a moment.";
  }
}

/* ---- messages and controls -------------------------------------------------------- */

export function statusSlot(root) {
  return root.querySelector(".engage-status");
}

/* Put a message in the live region; "focus" moves focus there when controls went away. */
export function say(root, text, tone, focus) {
  var slot = statusSlot(root);
  if (!slot) return;
  clear(slot);
  slot.appendChild(el("p", { className: "engage-flash engage-flash--" + (tone || "ok"), text: text }));
  if (focus) {
    slot.setAttribute("tabindex", "-1");
    slot.focus();
  }
}

export function busy(button, on) {
  if (!button) return;
  button.disabled = on;
  if (on) button.setAttribute("aria-busy", "true");
  else button.removeAttribute("aria-busy");
}

export function rewardNode(reward) {
  if (!reward) return null;
  if (reward.code) {
    return el("p", { className: "engage-reward" }, [
      (reward.message || "Thanks for taking part! Here is your code.") + " ",
      el("code", { text: reward.code })
    ]);
  }
  if (reward.status === "empty" || reward.status === "limited") {
    return el("p", { className: "engage-reward",
      text: reward.message || "Thanks for taking part! The reward codes have all been given out." });
  }
  return null;
}

/* ---- start ------------------------------------------------------------------------ */

/* Upgrade every block of one kind on the page, once. Module scripts run after the document
   is parsed, so the blocks are all there; old browsers without modules never get here and
   keep the forms that post. */
export function upgradeAll(kind, upgrade) {
  if (!window.fetch || !window.JSON) return;
  var nodes = document.querySelectorAll('[data-engage-kind="' + kind + '"]');
  Array.prototype.forEach.call(nodes, function (node) {
    if (node.getAttribute("data-engage-ready")) return;
    node.setAttribute("data-engage-ready", "true");
    try {
      upgrade(node);
    } catch (error) {
      /* One broken block must not stop the others; the no-JS form still works. */
      if (window.console) window.console.error("engage:", error);
    }
  });
}
