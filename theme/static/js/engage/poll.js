/* engage/poll.js: the poll widget. Reads the live poll, votes as JSON, shows the results
 * table and, after a vote, offers to tell the reader the result (follow.js). Loaded only on
 * pages holding a poll block.
 */
import { api, busy, clear, el, errorCode, errorText, rewardNode, say, shareLine, t, tn, upgradeAll } from "./shared.js";
import { followWidget } from "./follow.js";

var SVG = "http://www.w3.org/2000/svg";

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
function resultsTable(poll, final) {
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
      label.appendChild(el("span", { className: "engage-badge", text: t("your vote") }));
    }
    body.appendChild(el("tr", { className: top > 0 && n === top ? "engage-leading" : null }, [
      label,
      el("td", { className: "engage-num", text: String(n) }),
      el("td", { className: "engage-share-cell" }, [
        el("span", { className: "engage-pct", text: Math.round(percent) + "%" }), " ", bar(percent)
      ])
    ]));
  });
  var caption = final ? tn("Final results: %(n)s person voted", "Final results: %(n)s people voted", results.total)
    : tn("Results so far: %(n)s person voted", "Results so far: %(n)s people voted", results.total);
  /* verified: badge - how many of the voters are verified customers, said apart. */
  if (typeof results.verified === "number") {
    caption += " " + tn("(%(n)s of them from a verified customer)", "(%(n)s of them from verified customers)", results.verified);
  }
  return el("table", { className: "engage-results-table" }, [
    el("caption", { text: caption }),
    el("thead", {}, [el("tr", {}, [
      el("th", { scope: "col", text: t("Answer") }), el("th", { scope: "col", text: t("Votes") }),
      el("th", { scope: "col", text: t("Share") })
    ])]),
    body
  ]);
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
    button.textContent = voted && data.changeable ? t("Change my vote") : t("Vote");
    root.setAttribute("data-engage-state", data.state || (data.open ? "open" : "closed"));
    clear(live);
    if (data.results) {
      live.appendChild(resultsTable(data, !data.open));
    } else if (voted && data.results_visibility === "after-close") {
      live.appendChild(el("p", { className: "engage-note", text: t("Results are published when the poll closes.") }));
    }
    var reward = rewardNode(data.reward);
    if (reward) live.appendChild(reward);
    if (voted && data.open) live.appendChild(followWidget("poll", id, null, t("Tell me the result: your e-mail address")));
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
      say(root, max > 1 ? t("Please choose at least one answer.") : t("Please choose an answer."), "error");
      inputs[0].focus();
      return;
    }
    if (choices.length > max) {
      say(root, tn("Please choose at most %(n)s answer.", "Please choose at most %(n)s answers.", max), "error");
      return;
    }
    busy(button, true);
    api("POST", form.getAttribute("action"), { choices: choices }).then(function (result) {
      busy(button, false);
      if (result.ok && result.data) {
        render(result.data);
        say(root, t("Thank you, your vote is counted."), "ok", fieldset.disabled);
        shareLine(root);
        return;
      }
      say(root, errorText(result, "poll"), "error", true);
      var code = errorCode(result);
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
      pending.parentNode.replaceChild(resultsTable(result.data, true), pending);
    }
  });
}
upgradeAll("poll", upgradePoll);
