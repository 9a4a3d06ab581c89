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

/* ---- words: the page language's catalogue ---------------------------------------- */

/* Every word a widget shows comes from the catalogue the build writes for the page's
   language (output/engage/i18n/<lang>.json, plugins/languages/widgets.py): t("English
   msgid", {name: value}) and tn("one", "other", n, {...}) for plurals, picked with CLDR's
   rules (Intl.PluralRules). A missing catalogue or string shows the English text. */
var LANG = (document.documentElement.getAttribute("lang") || "en").toLowerCase();
var words = { messages: {}, plurals: {} };
var pluralRules = null;
try { pluralRules = new Intl.PluralRules(LANG); } catch (error) { pluralRules = null; }

var wordsReady = LANG === "en" || !window.fetch ? Promise.resolve() :
  fetch("/engage/i18n/" + encodeURIComponent(LANG) + ".json", { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) { if (data && data.messages) words = data; }, function () {});

function fill(text, values) {
  return String(text).replace(/%\((\w+)\)s/g, function (whole, name) {
    return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
  });
}

export function t(msgid, values) {
  return fill(words.messages[msgid] || msgid, values);
}

export function tn(one, other, n, values) {
  var forms = words.plurals[one];
  var category = pluralRules ? pluralRules.select(n) : (n === 1 ? "one" : "other");
  var text = forms ? (forms[category] || forms.other) : (n === 1 ? one : other);
  var all = { n: n };
  Object.keys(values || {}).forEach(function (name) { all[name] = values[name]; });
  return fill(text, all);
}

/* A translated text with links in it (<a href="%(name)s">words</a>, trusted: it comes from the
   .po file), built as text nodes and links: never innerHTML. */
export function linked(text, hrefs) {
  var nodes = [], last = 0, found;
  var link = /<a href="%\((\w+)\)s">([^<]*)<\/a>/g;
  while ((found = link.exec(text)) !== null) {
    nodes.push(text.slice(last, found.index));
    nodes.push(el("a", { href: hrefs[found[1]] || "#", text: found[2] }));
    last = link.lastIndex;
  }
  nodes.push(text.slice(last));
  return nodes.filter(function (node) { return node !== ""; });
}

/* The page's language, for APIs that answer in it. */
export function pageLang() {
  return LANG;
}

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

/* Rewards for sharing: a share link's ?via=TOKEN is kept for this tab only (sessionStorage,
   never a cookie: a reader who only reads gets none) and sent with writes until one has
   succeeded; pollserver credits the sharer when that write is a newcomer's first. */
var VIA_KEY = "vh_via";
(function () {
  try {
    var found = /[?&]via=([A-Za-z0-9_-]{16})(?:&|$)/.exec(window.location.search);
    if (found) window.sessionStorage.setItem(VIA_KEY, found[1]);
  } catch (error) { /* storage off: the link simply earns nothing */ }
})();

function viaToken() {
  try { return window.sessionStorage.getItem(VIA_KEY); } catch (error) { return null; }
}

/* This reader's share link for the page they are on (null before they took part). */
export function shareLink() {
  return send("GET", "/api/share").then(function (result) {
    if (!result.ok || !result.data || !result.data.token) return null;
    var url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.set("via", result.data.token);
    return url.toString();
  });
}

/* A "share with a friend" line for under a widget, filled once the reader has a token. */
export function shareLine(root) {
  shareLink().then(function (url) {
    if (!url || root.querySelector(".engage-share-link")) return;
    root.appendChild(el("p", { className: "engage-share-link" }, [
      t("Share this with a friend:") + " ", el("a", { href: url, text: url })
    ]));
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
    if (result.ok) {
      wrote = true;
      try { window.sessionStorage.removeItem(VIA_KEY); } catch (error) { /* nothing kept */ }
    }
    firstWrite = null;
    holdControls(false);
    return result;
  });
  return firstWrite;
}

function send(method, url, body) {
  var options = {
    method: method, credentials: API_BASE ? "include" : "same-origin",
    headers: { Accept: "application/json", "Accept-Language": LANG }
  };
  if (url.charAt(0) === "/") url = API_BASE + url;  /* form actions are already absolute */
  var via = method !== "GET" && !wrote ? viaToken() : null;
  if (via) options.headers["X-Valuehub-Via"] = via;
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
  var jam = subject === "jam", survey = subject === "survey";
  switch (error.code) {
    case "already_voted":
      return jam ? t("You have already voted in this jam.") : survey ? t("You have already voted in this survey.")
        : t("You have already voted in this poll.");
    case "poll_closed":
      return error.message || (jam ? t("This jam has closed.") : survey ? t("This survey has closed.")
        : t("This poll has closed."));
    case "poll_not_open":
      return error.message || (jam ? t("This jam is not open yet.") : survey ? t("This survey is not open yet.")
        : t("This poll is not open yet."));
    case "invalid_choice": return error.message || t("Please pick from the answers shown.");
    case "no_votes_left":
      return t("You have used all your votes. Take a vote back from another idea to vote for this one.");
    case "rate_limited":
      return wait > 0 ? tn("That was a lot of tries in a short time. Please wait %(n)s second and try again.",
        "That was a lot of tries in a short time. Please wait %(n)s seconds and try again.", wait)
        : t("That was a lot of tries in a short time. Please wait a moment and try again.");
    case "not_found":
      return jam ? t("This jam is not available right now.") : survey ? t("This survey is not available right now.")
        : t("This poll is not available right now.");
    default:
      if (result.status === 0) return t("We could not reach the server. Check your connection and try again.");
      return error.message || t("Something went wrong on our side. Please try again in a moment.");
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
      (reward.message || t("Thanks for taking part! Here is your code.")) + " ",
      el("code", { text: reward.code })
    ]);
  }
  if (reward.status === "empty" || reward.status === "limited") {
    return el("p", { className: "engage-reward",
      text: reward.message || t("Thanks for taking part! The reward codes have all been given out.") });
  }
  return null;
}

/* ---- start ------------------------------------------------------------------------ */

/* Upgrade every block of one kind on the page, once. Module scripts run after the document
   is parsed, so the blocks are all there; old browsers without modules never get here and
   keep the forms that post. */
export function upgradeAll(kind, upgrade) {
  if (!window.fetch || !window.JSON) return;
  wordsReady.then(function () {  /* the page's words first (at once in English) */
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
  });
}
