/* engage.js: progressive enhancement for polls, idea jams and surveys.
 *
 * The build renders real forms that post without JavaScript. This script upgrades every
 * element with data-engage-kind: it reads the live state from /api, submits as JSON and
 * shows results, ideas and invitations in place. No framework, no inline handlers (CSP
 * script-src 'self'), no style attributes (CSP style-src 'self'), and everything a reader
 * wrote is put on the page with textContent, never innerHTML.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  // Ideas a block shows before it links to the whole list at /jams/ID.
  var BLOCK_IDEAS = 10;
  var STATUS_LABELS = {
    open: "", planned: "Planned", "in-progress": "In progress", done: "Done",
    declined: "Declined", merged: "Merged", pending: "Awaiting review"
  };
  var STOPWORDS = ("a about add all also an and any are as at be but by can could do for from " +
    "get have how i if in into is it its let make me more my new no not of on or our please " +
    "should so some that the their them there this to too up us use we what when which will " +
    "with would you your").split(" ");

  /* ---- small helpers ---------------------------------------------------------------- */

  function el(tag, attrs, children) {
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

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  /* Plain text with its line breaks, built from text nodes and <br> only. */
  function textWithBreaks(text) {
    var wrapper = el("p", { className: "engage-idea-body" });
    String(text || "").split("\n").forEach(function (line, index) {
      if (index) wrapper.appendChild(document.createElement("br"));
      wrapper.appendChild(document.createTextNode(line));
    });
    return wrapper;
  }

  /* pollserver's origin when the site is served from another host (ENGAGE_API_URL at build
     time, in <meta name="engage-api">); the voter cookie then travels with credentials. */
  var API_BASE = (function () {
    var meta = document.querySelector('meta[name="engage-api"]');
    return meta ? String(meta.getAttribute("content") || "").replace(/\/+$/, "") : "";
  })();

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

  function api(method, url, body) {
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

  /* The reader-facing words for an API error. */
  function errorText(result, subject) {
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

  function statusSlot(root) {
    return root.querySelector(".engage-status");
  }

  /* Put a message in the live region; "focus" moves focus there when controls went away. */
  function say(root, text, tone, focus) {
    var slot = statusSlot(root);
    if (!slot) return;
    clear(slot);
    slot.appendChild(el("p", { className: "engage-flash engage-flash--" + (tone || "ok"), text: text }));
    if (focus) {
      slot.setAttribute("tabindex", "-1");
      slot.focus();
    }
  }

  function busy(button, on) {
    if (!button) return;
    button.disabled = on;
    if (on) button.setAttribute("aria-busy", "true");
    else button.removeAttribute("aria-busy");
  }

  function rewardNode(reward) {
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

  function bar(percent) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "engage-bar");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "10");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    [["engage-bar-track", 100], ["engage-bar-fill", percent]].forEach(function (part) {
      var rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("class", part[0]);
      rect.setAttribute("width", part[1] + "%");
      rect.setAttribute("height", "100%");
      svg.appendChild(rect);
    });
    return svg;
  }

  /* A real table: answers, counts and shares as text, the bar only decorates. */
  function resultsTable(poll, caption) {
    var results = poll.results;
    var mine = poll.my_vote || [];
    var counts = poll.options.map(function (o) { return results.counts[o.key] || 0; });
    var top = Math.max.apply(null, counts.concat([0]));
    var body = el("tbody");
    poll.options.forEach(function (option, index) {
      var n = counts[index];
      var percent = results.total ? Math.round(1000 * n / results.total) / 10 : 0;
      var label = el("th", { scope: "row" }, [option.label]);
      if (mine.indexOf(option.key) !== -1) {
        label.appendChild(document.createTextNode(" "));
        label.appendChild(el("span", { className: "engage-badge", text: "your vote" }));
      }
      body.appendChild(el("tr", { className: top > 0 && n === top ? "engage-leading" : null }, [
        label,
        el("td", { className: "engage-num", text: String(n) }),
        el("td", { className: "engage-share-cell" }, [
          el("span", { className: "engage-pct", text: Math.round(percent) + "%" }), " ", bar(percent)
        ])
      ]));
    });
    return el("table", { className: "engage-results-table" }, [
      el("caption", { text: caption + ": " + plural(results.total, "person", "people") + " voted" }),
      el("thead", {}, [el("tr", {}, [
        el("th", { scope: "col", text: "Answer" }), el("th", { scope: "col", text: "Votes" }),
        el("th", { scope: "col", text: "Share" })
      ])]),
      body
    ]);
  }

  /* ---- polls ------------------------------------------------------------------------ */

  /* "Tell me what happens": a small follow form (double opt-in by mail) shown after taking
     part. It posts JSON to /api/follows; the answer is the same whatever the address. */
  function followWidget(kind, id, jam, label) {
    var input = el("input", { type: "email", name: "email", required: "required", autocomplete: "email" });
    input.id = "follow-" + kind + "-" + id;
    var button = el("button", { type: "submit", className: "button engage-button", text: "Send me updates" });
    var note = el("p", { className: "engage-hint", text: "One mail to confirm first; every mail has a one-click unsubscribe." });
    var form = el("form", { className: "engage-follow-form" }, [
      el("label", { text: label }), input, button, note]);
    form.querySelector("label").setAttribute("for", input.id);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopPropagation();  // it sits inside the poll's own form: never submit that one
      busy(button, true);
      var body = { kind: kind, id: id, email: input.value };
      if (jam) body.jam = jam;
      api("POST", "/api/follows", body).then(function (result) {
        busy(button, false);
        var code = result.data && result.data.error && result.data.error.code;
        note.textContent = result.ok ? "Thank you. We sent you a mail: press the button in it to confirm."
          : code === "invalid_email" ? "That does not look like an e-mail address."
          : errorText(result, kind);
        note.setAttribute("role", "status");
      });
    });
    return form;
  }

  function upgradePoll(root) {
    var id = root.getAttribute("data-engage-id");
    var url = "/api/polls/" + encodeURIComponent(id);
    /* An open poll holds its vote form (the status slot sits beside it); a closed one none. */
    var form = root.tagName === "FORM" ? root : root.querySelector("form.engage-poll-form");
    if (!form) return upgradeClosedPoll(root, url);
    var live = root.querySelector(".engage-live");
    var button = root.querySelector("button[type=submit]");
    var fieldset = root.querySelector("fieldset");
    var inputs = Array.prototype.slice.call(root.querySelectorAll("input[name=choices]"));
    var poll = null;

    function render(data) {
      poll = data;
      var voted = Array.isArray(data.my_vote) && data.my_vote.length > 0;
      var locked = !data.open || (voted && !data.changeable);
      inputs.forEach(function (input) {
        input.checked = voted && data.my_vote.indexOf(input.value) !== -1;
      });
      fieldset.disabled = locked;
      button.textContent = voted && data.changeable ? "Change my vote" : "Vote";
      root.setAttribute("data-engage-state", data.state || (data.open ? "open" : "closed"));
      clear(live);
      if (data.results) {
        live.appendChild(resultsTable(data, data.open ? "Results so far" : "Final results"));
      } else if (voted && data.results_visibility === "after-close") {
        live.appendChild(el("p", { className: "engage-note", text: "Results are published when the poll closes." }));
      }
      var reward = rewardNode(data.reward);
      if (reward) live.appendChild(reward);
      if (voted && data.open) live.appendChild(followWidget("poll", id, null, "Tell me the result: your e-mail address"));
      live.hidden = !live.firstChild;
    }

    function refresh() {
      return api("GET", url).then(function (result) {
        if (result.ok && result.data) render(result.data);
        return result;
      });
    }

    root.addEventListener("submit", function (event) {
      event.preventDefault();
      var choices = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      var max = poll ? poll.max_choices : parseInt(root.getAttribute("data-engage-max-choices"), 10) || 1;
      if (!choices.length) {
        say(root, max > 1 ? "Please choose at least one answer." : "Please choose an answer.", "error");
        inputs[0].focus();
        return;
      }
      if (choices.length > max) {
        say(root, "Please choose at most " + plural(max, "answer", "answers") + ".", "error");
        return;
      }
      busy(button, true);
      api("POST", form.getAttribute("action"), { choices: choices }).then(function (result) {
        busy(button, false);
        if (result.ok && result.data) {
          render(result.data);
          say(root, "Thank you, your vote is counted.", "ok", fieldset.disabled);
          return;
        }
        say(root, errorText(result, "poll"), "error", true);
        var code = result.data && result.data.error && result.data.error.code;
        if (code === "already_voted" || code === "poll_closed" || code === "poll_not_open") refresh();
      });
    });

    refresh();
  }

  /* A poll closed at build time; fill in the results if they were not baked in yet. */
  function upgradeClosedPoll(root, url) {
    var pending = root.querySelector(".engage-pending");
    if (!pending) return;
    api("GET", url).then(function (result) {
      if (result.ok && result.data && result.data.results) {
        pending.parentNode.replaceChild(resultsTable(result.data, "Final results"), pending);
      }
    });
  }

  /* ---- idea jams -------------------------------------------------------------------- */

  function titleWords(title) {
    var folded = String(title || "").toLowerCase();
    if (folded.normalize) folded = folded.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    var words = {};
    (folded.match(/[a-z0-9]+/g) || []).forEach(function (word) {
      if (word.length < 2 || STOPWORDS.indexOf(word) !== -1) return;
      if (word.length > 4 && /es$/.test(word)) word = word.slice(0, -2);
      else if (word.length > 4 && /s$/.test(word)) word = word.slice(0, -1);
      words[word] = true;
    });
    return Object.keys(words);
  }

  /* The same rule as the server: most meaningful words shared, relative to the shorter title. */
  function similarIdeas(title, ideas) {
    var mine = titleWords(title);
    if (!mine.length) return [];
    return ideas.map(function (idea) {
      var theirs = titleWords(idea.title);
      var shared = theirs.filter(function (w) { return mine.indexOf(w) !== -1; }).length;
      var smaller = Math.min(mine.length, theirs.length);
      var score = smaller ? shared / smaller : 0;
      return { idea: idea, score: score, ok: score >= 0.5 && (shared >= 2 || smaller === 1) };
    }).filter(function (row) { return row.ok && row.idea.status !== "merged"; })
      .sort(function (a, b) { return b.score - a.score || b.idea.votes - a.idea.votes; })
      .slice(0, 5).map(function (row) { return row.idea; });
  }

  function upgradeJam(root) {
    var id = root.getAttribute("data-engage-id");
    var base = "/api/jams/" + encodeURIComponent(id);
    var form = root.querySelector(".engage-idea-form");
    var list = root.querySelector(".engage-ideas");
    var similar = root.querySelector(".engage-similar");
    var nojs = root.querySelector(".engage-nojs-link");
    var phaseText = root.querySelector("[data-engage-phase-text]");
    if (!list) return; /* closed at build time: winners are baked in */
    var sort = "top";
    var jam = null;
    root.setAttribute("data-engage-built-phase", root.getAttribute("data-engage-phase"));
    var lastSimilar = "";

    function canVote(data) {
      return "vote_open" in data ? data.vote_open : data.phase === "vote";
    }

    function canSubmit(data) {
      return "submit_open" in data ? data.submit_open : data.phase === "submit";
    }

    function votesLeftText(data) {
      if (!data.votes_per_person) return "Vote for as many ideas as you like.";
      return "You have " + data.my_votes_left + " of " + plural(data.votes_per_person, "vote", "votes") + " left.";
    }

    function ideaItem(idea, data) {
      var badges = el("p", { className: "engage-idea-meta" }, [
        el("span", { className: "engage-idea-author", text: idea.author ? "by " + idea.author : "Anonymous" }),
        " · ",
        el("span", { className: "engage-idea-votes", text: plural(idea.votes, "vote", "votes") })
      ]);
      if (STATUS_LABELS[idea.status]) {
        var badge = STATUS_LABELS[idea.status];
        if (idea.status === "merged" && idea.merged_into_title) badge += " into " + idea.merged_into_title;
        badges.appendChild(document.createTextNode(" "));
        badges.appendChild(el("span", { className: "engage-badge engage-badge-" + idea.status, text: badge }));
      }
      if (idea.winner) {
        badges.appendChild(document.createTextNode(" "));
        badges.appendChild(el("span", { className: "engage-badge engage-badge-winner", text: "Winner" }));
      }
      var item = el("li", { className: "engage-idea" + (idea.voted_by_me ? " engage-idea--mine" : "") }, [
        el("h3", { className: "engage-idea-title", text: idea.title }), badges
      ]);
      if (idea.body) item.appendChild(textWithBreaks(idea.body));
      if (canVote(data)) {
        var out = data.votes_per_person && data.my_votes_left <= 0 && !idea.voted_by_me;
        item.appendChild(el("p", { className: "engage-actions" }, [el("button", {
          type: "button", className: "engage-button engage-vote" + (idea.voted_by_me ? " engage-button--quiet" : ""),
          "data-idea": idea.id, "aria-pressed": idea.voted_by_me ? "true" : "false",
          "aria-label": (idea.voted_by_me ? "Take back my vote for " : "Vote for ") + idea.title,
          disabled: out, text: idea.voted_by_me ? "Take back my vote" : "Vote"
        })]));
      }
      return item;
    }

    function sortButton(value, label) {
      return el("button", { type: "button", className: "engage-sort", "data-sort": value,
        "aria-pressed": sort === value ? "true" : "false", text: label });
    }

    function render(data, focusIdea) {
      jam = data;
      root.setAttribute("data-engage-phase", data.phase);
      if (form) form.hidden = !canSubmit(data);
      if (phaseText && data.phase !== root.getAttribute("data-engage-built-phase")) {
        phaseText.textContent = data.phase === "closed" ? "This jam has closed."
          : data.phase === "vote" ? "Voting is open now." : "Sharing ideas now.";
      }
      clear(list);
      // The block shows the top ideas only; the whole list is paged on /jams/ID.
      var ideas = (data.ideas || []).slice(0, BLOCK_IDEAS);
      var count = typeof data.idea_count === "number" ? data.idea_count : ideas.length;
      var header = el("div", { className: "engage-ideas-head" }, [
        el("h3", { className: "engage-subtitle", text: plural(count, "idea", "ideas") + " so far" }),
        el("div", { className: "engage-sorts", role: "group", "aria-label": "Sort ideas" }, [
          sortButton("top", "Most votes"), sortButton("new", "Newest")
        ])
      ]);
      list.appendChild(header);
      if (canVote(data)) list.appendChild(el("p", { className: "engage-note engage-votes-left", text: votesLeftText(data) }));
      if (ideas.length) {
        list.appendChild(el("ol", { className: "engage-idea-list" }, ideas.map(function (idea) {
          return ideaItem(idea, data);
        })));
      } else {
        list.appendChild(el("p", { className: "engage-note", text: "No ideas yet. Be the first!" }));
      }
      if (count > ideas.length) {
        list.appendChild(el("p", { className: "engage-more" }, [el("a", {
          href: "/jams/" + encodeURIComponent(id) + "?sort=" + sort, text: "See all " + plural(count, "idea", "ideas")
        })]));
      }
      list.hidden = false;
      if (nojs) nojs.hidden = true;
      if (focusIdea) {
        var target = list.querySelector('button[data-idea="' + focusIdea.replace(/["\\]/g, "") + '"]');
        if (target && !target.disabled) target.focus();
        else { list.setAttribute("tabindex", "-1"); list.focus(); }
      }
    }

    function load(focusIdea) {
      return api("GET", base + "?sort=" + sort + "&limit=" + BLOCK_IDEAS).then(function (result) {
        if (result.ok && result.data) render(result.data, focusIdea);
        return result;
      });
    }

    list.addEventListener("click", function (event) {
      var target = event.target.closest ? event.target.closest("button") : null;
      if (!target || !list.contains(target)) return;
      if (target.hasAttribute("data-sort")) {
        sort = target.getAttribute("data-sort");
        load().then(function () {
          var again = list.querySelector('button[data-sort="' + sort + '"]');
          if (again) again.focus();
        });
        return;
      }
      var ideaId = target.getAttribute("data-idea");
      if (!ideaId) return;
      var undo = target.getAttribute("aria-pressed") === "true";
      busy(target, true);
      /* The server takes JSON or a form post, never a bodiless POST (415). */
      api(undo ? "DELETE" : "POST", base + "/ideas/" + encodeURIComponent(ideaId) + "/vote?sort=" + sort,
        undo ? undefined : {})
        .then(function (result) {
          if (result.ok && result.data && result.data.ideas) {
            render(result.data, ideaId);
            say(root, (undo ? "Vote taken back. " : "Vote counted. ") + votesLeftText(result.data));
            return;
          }
          busy(target, false);
          say(root, errorText(result, "jam"), "error");
          load(ideaId);
        });
    });

    function showSimilar() {
      if (!similar || !jam) return;
      var title = form.elements.title.value;
      var found = title.trim().length >= 4 ? similarIdeas(title, jam.ideas || []) : [];
      var key = found.map(function (idea) { return idea.id; }).join(",");
      if (key === lastSimilar) return;
      lastSimilar = key;
      clear(similar);
      similar.hidden = !found.length;
      if (!found.length) return;
      similar.appendChild(el("p", { className: "engage-note",
        text: "Similar ideas are already here. If one says what you mean, vote for it instead:" }));
      similar.appendChild(el("ul", {}, found.map(function (idea) {
        return el("li", {}, [el("strong", { text: idea.title }), " (" + plural(idea.votes, "vote", "votes") + ")"]);
      })));
    }

    if (form) {
      var timer = null;
      if (similar) similar.setAttribute("aria-live", "polite");
      form.elements.title.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(showSimilar, 250);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var title = form.elements.title.value.replace(/\s+/g, " ").trim();
        var body = form.elements.body.value.trim();
        if (title.length < 4 || title.length > 120) {
          say(root, "Give your idea a title of 4 to 120 characters.", "error");
          form.elements.title.focus();
          return;
        }
        if (body.length > 2000) {
          say(root, "Please keep the details under 2,000 characters.", "error");
          form.elements.body.focus();
          return;
        }
        var payload = { title: title, body: body, author: form.elements.author.value.trim() || null };
        if (form.elements.website && form.elements.website.value) payload.website = form.elements.website.value;
        var button = form.querySelector("button[type=submit]");
        busy(button, true);
        api("POST", form.getAttribute("action"), payload).then(function (result) {
          busy(button, false);
          if (result.status === 201 && result.data) {
            form.reset();
            lastSimilar = "";
            showSimilar();
            var text = result.data.status === "pending"
              ? "Thanks — your idea is awaiting review. It will appear here once our team has read it."
              : "Thanks — your idea is published.";
            say(root, text, "ok", true);
            var reward = rewardNode(result.data.reward);
            if (reward) statusSlot(root).appendChild(reward);
            load();
            return;
          }
          say(root, errorText(result, "jam"), "error", true);
        });
      });
    }

    load();
  }

  /* ---- surveys ---------------------------------------------------------------------- */

  function category(score) {
    return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
  }

  function upgradeSurvey(root) {
    if (root.tagName !== "FORM") return;
    var id = root.getAttribute("data-engage-id");
    var thanks = document.getElementById("survey-" + id + "-thanks");
    var label = root.querySelector("#survey-" + id + "-comment-label");
    var defaultLabel = label ? label.textContent : "";
    var button = root.querySelector("button[type=submit]");

    root.addEventListener("change", function (event) {
      if (event.target.name !== "score" || !label) return;
      var followup = root.getAttribute("data-engage-followup-" + category(parseInt(event.target.value, 10)));
      label.textContent = followup ? followup + " (optional)" : defaultLabel;
    });

    function links(list) {
      return el("ul", { className: "engage-links" }, list.map(function (link) {
        return el("li", {}, [el("a", { href: link.url, rel: "noopener external", text: link.name })]);
      }));
    }

    function showThanks(data, focus) {
      if (!thanks) return;
      var invite = data.invite || {};
      var reviews = thanks.querySelector(".engage-review-links");
      if (reviews && Array.isArray(invite.review_links) && invite.review_links.length) {
        clear(reviews);
        invite.review_links.forEach(function (link) {
          reviews.appendChild(el("li", {}, [el("a", { href: link.url, rel: "noopener external", text: "Review us on " + link.name })]));
        });
      }
      var share = thanks.querySelector(".engage-share");
      if (share) {
        clear(share);
        share.hidden = !invite.share;
        if (invite.share) {
          share.appendChild(el("p", { text: "Recommend us to a friend, in your own words:" }));
          if (invite.share.text) share.appendChild(el("blockquote", { className: "engage-quote", text: invite.share.text }));
          share.appendChild(links(invite.share.links || []));
        }
      }
      var support = thanks.querySelector(".engage-support");
      if (support) {
        support.hidden = !invite.support_url;
        var anchor = support.querySelector("a");
        if (anchor && invite.support_url) anchor.setAttribute("href", invite.support_url);
      }
      var reward = rewardNode(data.reward);
      if (reward) thanks.appendChild(reward);
      thanks.classList.add("is-revealed");
      if (focus !== false) thanks.focus();
    }

    /* Already answered, or closed since the build: say so instead of offering the form. */
    api("GET", "/api/surveys/" + encodeURIComponent(id)).then(function (result) {
      var data = result.ok && result.data;
      if (!data) return;
      if (data.my_response) {
        root.hidden = true;
        showThanks({ invite: { review_links: data.review_links }, reward: data.reward }, false);
      } else if (data.state === "closed") {
        root.querySelector("fieldset").disabled = true;
        busy(button, true);
        say(root, "This survey has closed. Thank you to everyone who answered.", "ok");
      }
    });

    root.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = root.querySelector("input[name=score]:checked");
      if (!chosen) {
        say(root, "Please pick a number from 0 to 10.", "error");
        root.querySelector("input[name=score]").focus();
        return;
      }
      var consent = root.querySelector("input[name=consent_to_quote]");
      var payload = {
        score: parseInt(chosen.value, 10),
        comment: root.elements.comment ? root.elements.comment.value.trim() : "",
        consent_to_quote: !!(consent && consent.checked)
      };
      busy(button, true);
      api("POST", root.getAttribute("action"), payload).then(function (result) {
        busy(button, false);
        if (result.ok && result.data) {
          root.querySelector("fieldset").disabled = true;
          root.hidden = true;
          showThanks(result.data);
          return;
        }
        say(root, errorText(result, "survey"), "error", true);
      });
    });
  }

  /* ---- roadmap: the baked board, redrawn from /api/roadmap with the same markup ------ */

  function roadmapCard(card, meaning) {
    var meta = (card.author ? "by " + card.author + " · " : "") + plural(card.votes, "vote", "votes") +
      " · " + card.jam_title;
    var metaNode = el("p", { className: "roadmap-card__meta" }, [meta]);
    if (card.changed_at) {
      metaNode.appendChild(document.createTextNode(" · "));
      metaNode.appendChild(el("time", { datetime: card.changed_at, text: card.changed_at.slice(0, 10) }));
    }
    var children = [
      el("h3", { className: "roadmap-card__title" }, [el("a", { href: card.url, text: card.title })]),
      metaNode
    ];
    if (card.note) {
      children.push(el("p", { className: "roadmap-card__note",
        text: (meaning === "closed" ? "Why: " : "") + card.note }));
    }
    (card.articles || []).forEach(function (a) {
      children.push(el("p", { className: "roadmap-card__news" }, [el("a", { href: a.url, text: a.title })]));
    });
    return el("li", { className: "roadmap-card", id: "idea-" + card.jam + "-" + card.id }, children);
  }

  function upgradeRoadmap(root) {
    api("GET", root.getAttribute("data-engage-url")).then(function (result) {
      if (!result.ok || !result.data || !result.data.sections) return; /* keep the baked board */
      var sections = result.data.sections;
      clear(root);
      if (!sections.some(function (s) { return s.ideas.length; })) {
        root.appendChild(el("p", { className: "roadmap__empty",
          text: "No idea has moved along the roadmap yet. Send one in any open idea jam." }));
      }
      sections.forEach(function (s) {
        var heading = el("h2", { id: "rm-" + s.key }, [
          el("span", { className: "status-badge " + s.css, text: s.label }), " ",
          el("span", { className: "roadmap__count", text: plural(s.ideas.length, "idea", "ideas") })
        ]);
        var body = s.ideas.length
          ? el("ul", { className: "roadmap__cards" }, s.ideas.map(function (c) { return roadmapCard(c, s.meaning); }))
          : el("p", { className: "roadmap__none", text: "Nothing here right now." });
        root.appendChild(el("section", { className: "roadmap__section roadmap__section--" + s.meaning,
          "aria-labelledby": "rm-" + s.key }, [heading, body]));
      });
      root.setAttribute("data-engage-live", "true");
    });
  }

  /* ---- start ------------------------------------------------------------------------ */

  var UPGRADES = { poll: upgradePoll, jam: upgradeJam, survey: upgradeSurvey, roadmap: upgradeRoadmap };

  function start() {
    if (!window.fetch || !window.JSON) return;
    var nodes = document.querySelectorAll("[data-engage-kind]");
    Array.prototype.forEach.call(nodes, function (node) {
      var upgrade = UPGRADES[node.getAttribute("data-engage-kind")];
      if (!upgrade || node.getAttribute("data-engage-ready")) return;
      node.setAttribute("data-engage-ready", "true");
      try {
        upgrade(node);
      } catch (error) {
        /* One broken block must not stop the others; the no-JS form still works. */
        if (window.console) window.console.error("engage:", error);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
