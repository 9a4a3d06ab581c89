/* embed.js: valuehub polls, jams and surveys on another site.
 *
 *   <script type="module" src="https://ENGAGE/embed.js"></script>
 *   <valuehub-poll poll="ID"></valuehub-poll>   <valuehub-jam jam="ID">   <valuehub-survey survey="ID">
 *
 * Each element draws itself in a shadow root (the host page's CSS cannot reach in, ours cannot
 * leak out) from the same API the hub's own widgets use, so results and one-vote rules are the
 * hub's. It talks only to the origin it was loaded from, with no cookie: the voter token this
 * origin hands out is kept in the page's storage and sent as a header (see docs/reach.md).
 * No inline script or style, no HTML parsing: reader text goes in as text nodes.
 * Words: the element's `lang` attribute, else the host page's <html lang>; its strings come from
 * the build's widget catalogue (ORIGIN/engage/i18n/<lang>.json, English when unreachable) and the
 * API is asked in that language (Accept-Language), so questions and messages match.
 */

var ORIGIN = new URL(import.meta.url).origin;
var KEY = "valuehub-voter";
var HEADER = "X-Valuehub-Voter";
var CSS = [
  ":host{all:initial;display:block;font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;" +
    "background:#fff;border:1px solid #c4c4c4;border-radius:8px;padding:1rem;max-width:40rem}",
  ":host([hidden]){display:none}",
  "h2{font-size:1.15rem;margin:0 0 .5rem}",
  "fieldset{border:0;margin:0;padding:0}",
  "legend{font-weight:600;margin-bottom:.5rem;padding:0}",
  "label{display:block;margin:.25rem 0}",
  ".scale label{display:inline-block;margin-right:.5rem}",
  "input[type=text],textarea{font:inherit;width:100%;box-sizing:border-box;padding:.3rem;" +
    "border:1px solid #6b6b6b;border-radius:4px}",
  "button{font:inherit;background:#0b57d0;color:#fff;border:0;border-radius:4px;" +
    "padding:.4rem .9rem;margin-top:.5rem;cursor:pointer}",
  "button[aria-pressed=true]{background:#174ea6}",
  "button:disabled{background:#5f6368}",
  ":focus-visible{outline:3px solid #e8710a;outline-offset:2px}",
  "table{border-collapse:collapse;width:100%;margin-top:.75rem}",
  "caption{text-align:left;font-weight:600}",
  "th,td{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #dadce0}",
  "ul{padding-left:1.2rem}",
  ".error{color:#a50e0e}",
  "a{color:#0b57d0}",
  "code{font-size:1.1em;background:#f1f3f4;padding:0 .3rem}"
].join("\n");

/* ---- words ---------------------------------------------------------------------------- */

var catalogues = {};

function langOf(node) {
  var given = node.getAttribute("lang") || document.documentElement.getAttribute("lang") || "en";
  return given.toLowerCase().split("-")[0];
}

function catalogue(lang) {
  if (lang === "en") return Promise.resolve(null);
  if (!catalogues[lang]) {
    catalogues[lang] = fetch(ORIGIN + "/engage/i18n/" + encodeURIComponent(lang) + ".json",
      { credentials: "omit", mode: "cors" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { return data && data.messages ? data : null; }, function () { return null; });
  }
  return catalogues[lang];
}

function fill(text, values) {
  return String(text).replace(/%\((\w+)\)s/g, function (whole, name) {
    return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
  });
}

/* t("msgid", values, element) and tn("one", "other", n, values, element): the element's words. */
function t(msgid, values, self) {
  var words = self && self.words;
  return fill((words && words.messages[msgid]) || msgid, values);
}

function tn(one, other, n, values, self) {
  var words = self && self.words;
  var forms = words && words.plurals[one];
  var category = n === 1 ? "one" : "other";
  try { category = new Intl.PluralRules(self.lang_).select(n); } catch (e) { /* English rule */ }
  var text = forms ? (forms[category] || forms.other) : (n === 1 ? one : other);
  return fill(text, Object.assign({ n: n }, values || {}));
}

/* ---- the voter token and the API ------------------------------------------------------ */

function token() {
  try { return localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
}

function keep(value) {
  try { localStorage.setItem(KEY, value); } catch (e) { /* storage refused: one visit */ }
}

function send(method, path, body, lang) {
  var headers = { Accept: "application/json", "Accept-Language": lang || "en" };
  headers[HEADER] = token() || "-";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  var options = { method: method, headers: headers, credentials: "omit", mode: "cors" };
  if (body !== undefined) options.body = JSON.stringify(body);
  return fetch(ORIGIN + path, options).then(function (response) {
    var given = response.headers.get(HEADER);
    if (given) keep(given);
    return response.json().catch(function () { return null; }).then(function (data) {
      return { ok: response.ok, status: response.status, data: data };
    });
  }, function () { return { ok: false, status: 0, data: null }; });
}

/* Until this page holds a token, writes go one at a time: two elements voting at once would
   otherwise each be handed a new voter id. */
var queue = Promise.resolve();

function api(method, path, body, lang) {
  if (method === "GET" || token()) return send(method, path, body, lang);
  var done = queue.then(function () { return send(method, path, body, lang); });
  queue = done.then(function () {}, function () {});
  return done;
}

function problem(result, self) {
  var error = (result.data && result.data.error) || {};
  if (error.code === "already_voted") return t("You have already voted here.", null, self);
  if (result.status === 0) return t("We could not reach the server. Please try again.", null, self);
  return error.message || t("Something went wrong. Please try again in a moment.", null, self);
}

/* ---- DOM helpers ---------------------------------------------------------------------- */

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (name) {
    var value = attrs[name];
    if (value === null || value === undefined || value === false) return;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  });
  (children || []).forEach(function (child) {
    if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  });
  return node;
}

var sheet = null;

function styles(root) {
  if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet) {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    root.adoptedStyleSheets = [sheet];
  } else {
    root.appendChild(el("style", { text: CSS }));
  }
}

function rewardLine(reward) {
  if (!reward || !(reward.code || reward.status === "empty" || reward.status === "limited")) return null;
  return el("p", {}, [reward.message + " ", reward.code ? el("code", { text: reward.code }) : null]);
}

/* ---- the base element ----------------------------------------------------------------- */

class Embed extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    /* The iframe page's fallback form (for JavaScript off) goes: the shadow root replaces it. */
    while (this.firstChild) this.removeChild(this.firstChild);
    var root = this.attachShadow({ mode: "open" });
    styles(root);
    this.body = el("div");
    this.live = el("div", { role: "status", "aria-live": "polite" });
    root.appendChild(this.body);
    root.appendChild(this.live);
    this.id_ = this.getAttribute(this.constructor.attr) || "";
    this.lang_ = langOf(this);
    var self = this;
    catalogue(this.lang_).then(function (words) { self.words = words; self.refresh(); });
  }

  say(text, bad, focus) {
    this.live.textContent = "";
    this.live.appendChild(el("p", { class: bad ? "error" : null, text: text }));
    if (focus) { this.live.setAttribute("tabindex", "-1"); this.live.focus(); }
  }

  path(rest) {
    return "/api/" + this.constructor.collection + "/" + encodeURIComponent(this.id_) + (rest || "");
  }

  refresh() {
    var self = this;
    return api("GET", this.path(this.constructor.query || ""), undefined, this.lang_).then(function (result) {
      if (result.ok && result.data) self.draw(result.data);
      else self.say(problem(result, self), true);
    });
  }

  /* Post, then redraw from the answer (or from a fresh read when it is not the item). */
  write(method, rest, body, button, thanks, redraw) {
    var self = this;
    if (button) button.disabled = true;
    return api(method, this.path(rest), body, this.lang_).then(function (result) {
      if (button) button.disabled = false;
      if (!result.ok) { self.say(problem(result, self), true, true); return self.refresh(); }
      if (redraw) self.draw(result.data); else self.refresh();
      self.say(typeof thanks === "function" ? thanks(result.data) : thanks, false, !redraw);
      return result;
    });
  }
}

/* ---- poll ----------------------------------------------------------------------------- */

class Poll extends Embed {
  draw(poll) {
    var self = this;
    var mine = poll.my_vote || [];
    var locked = !poll.open || (mine.length > 0 && !poll.changeable);
    var type = poll.max_choices > 1 ? "checkbox" : "radio";
    var inputs = poll.options.map(function (o) {
      return el("input", { type: type, name: "choices", value: o.key, checked: mine.indexOf(o.key) !== -1 });
    });
    var button = el("button", { type: "submit", text: mine.length && poll.changeable ? t("Change my vote", null, self) : t("Vote", null, self) });
    var fieldset = el("fieldset", { disabled: locked }, [el("legend", { text: poll.question })]
      .concat(poll.options.map(function (o, i) { return el("label", {}, [inputs[i], " " + o.label]); }))
      .concat([button]));
    var form = el("form", {}, [fieldset]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var choices = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      if (!choices.length) { self.say(t("Please choose an answer.", null, self), true); inputs[0].focus(); return; }
      self.write("POST", "/vote", { choices: choices }, button, t("Thank you, your vote is counted.", null, self), true);
    });
    this.body.textContent = "";
    this.body.appendChild(form);
    if (poll.results) this.body.appendChild(results(poll, self));
    var reward = rewardLine(poll.reward);
    if (reward) this.body.appendChild(reward);
  }
}
Poll.attr = "poll";
Poll.collection = "polls";

function results(poll, self) {
  var total = poll.results.total;
  var rows = poll.options.map(function (o) {
    var n = poll.results.counts[o.key] || 0;
    return el("tr", {}, [el("th", { scope: "row", text: o.label }), el("td", { text: String(n) }),
      el("td", { text: (total ? Math.round(100 * n / total) : 0) + "%" })]);
  });
  return el("table", {}, [
    el("caption", { text: poll.open
      ? tn("Results so far: %(n)s person voted", "Results so far: %(n)s people voted", total, null, self)
      : tn("Final results: %(n)s person voted", "Final results: %(n)s people voted", total, null, self) }),
    el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: t("Answer", null, self) }),
      el("th", { scope: "col", text: t("Votes", null, self) }), el("th", { scope: "col", text: t("Share", null, self) })])]),
    el("tbody", {}, rows)
  ]);
}

/* ---- jam ------------------------------------------------------------------------------ */

class Jam extends Embed {
  draw(jam) {
    var self = this;
    this.body.textContent = "";
    this.body.appendChild(el("h2", { text: jam.title }));
    if (jam.prompt) this.body.appendChild(el("p", { text: jam.prompt }));
    if (jam.vote_open && jam.votes_per_person) {
      this.body.appendChild(el("p", { text: t("Votes left: %(n)s", { n: jam.my_votes_left }, self) }));
    }
    var list = el("ul");
    jam.ideas.forEach(function (idea) {
      var item = el("li", {}, [el("strong", { text: idea.title }), " (" + tn("%(n)s vote", "%(n)s votes", idea.votes, null, self) + ")"]);
      if (jam.vote_open && !idea.mine) {
        var on = !!idea.voted_by_me;
        var button = el("button", { type: "button", "aria-pressed": on ? "true" : "false",
          "aria-label": on ? t("Voted for %(title)s", { title: idea.title }, self) : t("Vote for %(title)s", { title: idea.title }, self),
          text: on ? t("Voted", null, self) : t("Vote", null, self) });
        button.addEventListener("click", function () {
          self.write(on ? "DELETE" : "POST", "/ideas/" + encodeURIComponent(idea.id) + "/vote", undefined,
            button, on ? t("Your vote is back in your hand.", null, self) : t("Thank you, your vote is counted.", null, self), false);
        });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(button);
      }
      list.appendChild(item);
    });
    if (jam.ideas.length) this.body.appendChild(list);
    if (jam.submit_open) this.body.appendChild(this.ideaForm());
    this.body.appendChild(el("p", {}, [el("a", { href: ORIGIN + "/jams/" + encodeURIComponent(jam.id),
      target: "_blank", rel: "noopener", text: t("See every idea", null, self) })]));
  }

  ideaForm() {
    var self = this;
    var title = el("input", { type: "text", id: "vh-title", name: "title", required: true, maxlength: 120 });
    var body = el("textarea", { id: "vh-body", name: "body", rows: 3, maxlength: 2000 });
    var button = el("button", { type: "submit", text: t("Share my idea", null, self) });
    var form = el("form", {}, [
      el("label", { for: "vh-title", text: t("Your idea", null, self) }), title,
      el("label", { for: "vh-body", text: t("Tell us more (optional)", null, self) }), body, button]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!title.value.trim()) { self.say(t("Please give your idea a title.", null, self), true); title.focus(); return; }
      self.write("POST", "/ideas", { title: title.value, body: body.value }, button, function (idea) {
        return idea && idea.status === "pending" ? t("Thank you! Your idea shows once it is checked.", null, self)
          : t("Thank you, your idea is up.", null, self);
      }, false);
    });
    return form;
  }
}
Jam.attr = "jam";
Jam.collection = "jams";
Jam.query = "?sort=top&limit=10";

/* ---- survey --------------------------------------------------------------------------- */

class Survey extends Embed {
  draw(survey) {
    this.body.textContent = "";
    if (survey.my_response || survey.invite) return this.thanks(survey);
    var self = this;
    var radios = [];
    for (var n = 0; n <= 10; n++) radios.push(el("input", { type: "radio", name: "score", value: n }));
    var comment = el("textarea", { id: "vh-comment", rows: 3, maxlength: 2000 });
    var button = el("button", { type: "submit", text: t("Send", null, self) });
    var form = el("form", {}, [
      el("fieldset", { class: "scale", disabled: !survey.open }, [el("legend", { text: survey.question })]
        .concat(radios.map(function (r, i) { return el("label", {}, [r, " " + i]); }))),
      el("label", { for: "vh-comment", text: t("Anything you would like to add? (optional)", null, self) }), comment, button]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var picked = radios.filter(function (r) { return r.checked; })[0];
      if (!picked) { self.say(t("Please choose a score from 0 to 10.", null, self), true); radios[0].focus(); return; }
      self.write("POST", "/responses", { score: Number(picked.value), comment: comment.value }, button,
        t("Thank you for your answer.", null, self), false);
    });
    this.body.appendChild(form);
  }

  thanks(survey) {
    var self = this;
    var links = survey.review_links || [];
    this.body.appendChild(el("p", { text: t("Thank you for your answer.", null, self) }));
    if (links.length) {
      this.body.appendChild(el("ul", {}, links.map(function (link) {
        return el("li", {}, [el("a", { href: link.url, target: "_blank", rel: "noopener", text: t("Review us on %(name)s", { name: link.name }, self) })]);
      })));
    }
    var reward = rewardLine(survey.reward);
    if (reward) this.body.appendChild(reward);
  }
}
Survey.attr = "survey";
Survey.collection = "surveys";

[["valuehub-poll", Poll], ["valuehub-jam", Jam], ["valuehub-survey", Survey]].forEach(function (pair) {
  if (!customElements.get(pair[0])) customElements.define(pair[0], pair[1]);
});
