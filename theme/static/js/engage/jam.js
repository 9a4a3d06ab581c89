/* engage/jam.js: the idea jam widget. Shows the top ideas live with vote buttons, takes new
 * ideas as JSON (pointing at similar ones while the title is typed), and offers "tell me what
 * happens" (follow.js) for an idea the reader shared or voted for, and for the whole jam ("tell
 * me when the winners are picked", a form the build renders so it posts without JavaScript
 * too). Loaded only on pages holding a jam block.
 */
import { api, busy, clear, el, errorText, rewardNode, say, serverUrl, shareLine, statusSlot, t,
  textWithBreaks, tn, upgradeAll } from "./shared.js";
import { followWidget, upgradeFollowForm } from "./follow.js";
import { prepareOn, withProof } from "./proof.js";

// Ideas a block shows before it links to the whole list at /jams/ID.
var BLOCK_IDEAS = 10;
function statusLabel(status) {
  switch (status) {
    case "planned": return t("Planned");
    case "in-progress": return t("In progress");
    case "done": return t("Done");
    case "declined": return t("Declined");
    case "merged": return t("Merged");
    case "pending": return t("Awaiting review");
    default: return "";
  }
}
var STOPWORDS = ("a about add all also an and any are as at be but by can could do for from " +
  "get have how i if in into is it its let make me more my new no not of on or our please " +
  "should so some that the their them there this to too up us use we what when which will " +
  "with would you your").split(" ");

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
  /* "Tell me when the winners are picked": also on a jam closed at build time whose winners
     are still to come, which has no live list. */
  var followJam = root.querySelector(".engage-follow-jam");
  if (followJam) upgradeFollowForm(followJam);
  if (!list) return; /* closed at build time: winners are baked in */
  var sort = "top";
  var jam = null;
  root.setAttribute("data-engage-built-phase", root.getAttribute("data-engage-phase"));
  var lastSimilar = "";
  /* "Tell me what happens" to an idea the reader shared or voted for: one offer at a time,
     below the status message, and never twice for the same idea on this page. */
  var offered = {};
  var offer = null;

  function offerFollow(ideaId, label) {
    if (offered[ideaId]) return;
    offered[ideaId] = true;
    var form = followWidget("idea", ideaId, id, label);
    form.classList.add("engage-follow-offer");
    form.setAttribute("data-idea", ideaId);
    if (offer && offer.parentNode) offer.parentNode.replaceChild(form, offer);
    else statusSlot(root).insertAdjacentElement("afterend", form);
    offer = form;
  }

  /* A vote taken back before the offer was used: the offer goes with it (it may come back
     only if the reader shares or votes for another idea, not for this one). */
  function withdrawOffer(ideaId) {
    if (!offer || offer.getAttribute("data-idea") !== ideaId) return;
    if (offer.querySelector("[role=status]")) return;  /* already sent: keep the answer */
    offer.parentNode.removeChild(offer);
    offer = null;
  }

  function canVote(data) {
    return "vote_open" in data ? data.vote_open : data.phase === "vote";
  }

  function canSubmit(data) {
    return "submit_open" in data ? data.submit_open : data.phase === "submit";
  }

  function votesLeftText(data) {
    if (!data.votes_per_person) return t("Vote for as many ideas as you like.");
    return tn("You have %(left)s of %(n)s vote left.", "You have %(left)s of %(n)s votes left.",
      data.votes_per_person, { left: data.my_votes_left });
  }

  /* An idea's body as the server cleaned it (nh3: a few tags, links with http(s)/mailto only),
     parsed in an inert document (nothing in it runs) and moved into the page. */
  function cleanedHtml(html) {
    var wrapper = el("div", { className: "engage-idea-body prose" });
    var parsed = new DOMParser().parseFromString(String(html), "text/html");
    while (parsed.body.firstChild) wrapper.appendChild(document.adoptNode(parsed.body.firstChild));
    return wrapper;
  }

  function ideaItem(idea, data) {
    var badges = el("p", { className: "engage-idea-meta" }, [
      el("span", { className: "engage-idea-author", text: idea.author ? t("by %(author)s", { author: idea.author }) : t("Anonymous") }),
      " · ",
      el("span", { className: "engage-idea-votes", text: tn("%(n)s vote", "%(n)s votes", idea.votes) })
    ]);
    /* Verified customers: the author's mark, and with verified: badge the votes apart. */
    if (typeof idea.verified_votes === "number") {
      badges.appendChild(el("span", { className: "engage-verified-votes",
        text: " " + tn("(%(n)s from a verified customer)", "(%(n)s from verified customers)", idea.verified_votes) }));
    }
    if (idea.author_verified) {
      badges.appendChild(document.createTextNode(" "));
      badges.appendChild(el("span", { className: "engage-badge engage-verified-mark", text: t("Verified customer") }));
    }
    /* The site's own word for the status ("Brewing") when the server gives one. */
    var badge = idea.status === "open" ? "" : (idea.status_label ? t(idea.status_label) : statusLabel(idea.status));
    if (badge) {
      if (idea.status === "merged" && idea.merged_into_title) badge = t("Merged into %(title)s", { title: idea.merged_into_title });
      badges.appendChild(document.createTextNode(" "));
      badges.appendChild(el("span", { className: "engage-badge engage-badge-" + idea.status, text: badge }));
    }
    if (idea.winner) {
      badges.appendChild(document.createTextNode(" "));
      badges.appendChild(el("span", { className: "engage-badge engage-badge-winner", text: t("Winner") }));
    }
    /* The idea's own page (vote, follow, history) once it is published. */
    var heading = idea.url && idea.moderation === "published" && idea.status !== "merged"
      ? el("h3", { className: "engage-idea-title" }, [el("a", { href: serverUrl(idea.url), text: idea.title })])
      : el("h3", { className: "engage-idea-title", text: idea.title });
    var item = el("li", { className: "engage-idea" + (idea.voted_by_me ? " engage-idea--mine" : "") }, [
      heading, badges
    ]);
    if (idea.body_html) {
      /* Markdown rendered and cleaned by the server (nh3), exactly as the idea page shows it. */
      item.appendChild(cleanedHtml(idea.body_html));
    } else if (idea.body) {
      item.appendChild(textWithBreaks(idea.body));
    }
    if (canVote(data)) {
      var out = data.votes_per_person && data.my_votes_left <= 0 && !idea.voted_by_me;
      item.appendChild(el("p", { className: "engage-actions" }, [el("button", {
        type: "button", className: "engage-button engage-vote" + (idea.voted_by_me ? " engage-button--quiet" : ""),
        "data-idea": idea.id, "aria-pressed": idea.voted_by_me ? "true" : "false",
        "aria-label": idea.voted_by_me ? t("Take back my vote for %(title)s", { title: idea.title })
          : t("Vote for %(title)s", { title: idea.title }),
        disabled: out, text: idea.voted_by_me ? t("Take back my vote") : t("Vote")
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
      phaseText.textContent = data.phase === "closed" ? t("This jam has closed.")
        : data.phase === "vote" ? t("Voting is open now.") : t("Sharing ideas now.");
    }
    clear(list);
    // The block shows the top ideas only; the whole list is paged on /jams/ID.
    var ideas = (data.ideas || []).slice(0, BLOCK_IDEAS);
    var count = typeof data.idea_count === "number" ? data.idea_count : ideas.length;
    var header = el("div", { className: "engage-ideas-head" }, [
      el("h3", { className: "engage-subtitle", text: tn("%(n)s idea so far", "%(n)s ideas so far", count) }),
      el("div", { className: "engage-sorts", role: "group", "aria-label": t("Sort ideas") }, [
        sortButton("top", t("Most votes")), sortButton("new", t("Newest"))
      ])
    ]);
    list.appendChild(header);
    if (canVote(data)) list.appendChild(el("p", { className: "engage-note engage-votes-left", text: votesLeftText(data) }));
    if (ideas.length) {
      list.appendChild(el("ol", { className: "engage-idea-list" }, ideas.map(function (idea) {
        return ideaItem(idea, data);
      })));
    } else {
      list.appendChild(el("p", { className: "engage-note", text: t("No ideas yet. Be the first!") }));
    }
    if (count > ideas.length) {
      list.appendChild(el("p", { className: "engage-more" }, [el("a", {
        href: "/jams/" + encodeURIComponent(id) + "?sort=" + sort, text: tn("See all %(n)s idea", "See all %(n)s ideas", count)
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
    var titleNode = target.closest("li") && target.closest("li").querySelector(".engage-idea-title");
    var ideaTitle = titleNode ? titleNode.textContent : "";
    busy(target, true);
    /* The server takes JSON or a form post, never a bodiless POST (415). */
    api(undo ? "DELETE" : "POST", base + "/ideas/" + encodeURIComponent(ideaId) + "/vote?sort=" + sort,
      undo ? undefined : {})
      .then(function (result) {
        if (result.ok && result.data && result.data.ideas) {
          render(result.data, ideaId);
          say(root, (undo ? t("Vote taken back.") : t("Vote counted.")) + " " + votesLeftText(result.data));
          if (undo) withdrawOffer(ideaId);
          else offerFollow(ideaId, t("Tell me what happens to “%(title)s”: your e-mail address", { title: ideaTitle }));
          if (!undo) shareLine(root);
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
      text: t("Similar ideas are already here. If one says what you mean, vote for it instead:") }));
    similar.appendChild(el("ul", {}, found.map(function (idea) {
      return el("li", {}, [el("strong", { text: idea.title }), " (" + tn("%(n)s vote", "%(n)s votes", idea.votes) + ")"]);
    })));
  }

  if (form) {
    var timer = null;
    if (similar) similar.setAttribute("aria-live", "polite");
    prepareOn(form, function () { return "jam:" + id; });
    form.elements.title.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(showSimilar, 250);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var title = form.elements.title.value.replace(/\s+/g, " ").trim();
      var body = form.elements.body.value.trim();
      if (title.length < 4 || title.length > 120) {
        say(root, t("Give your idea a title of 4 to 120 characters."), "error");
        form.elements.title.focus();
        return;
      }
      if (body.length > 2000) {
        say(root, t("Please keep the details under 2,000 characters."), "error");
        form.elements.body.focus();
        return;
      }
      var payload = { title: title, body: body, author: form.elements.author.value.trim() || null };
      if (form.elements.website && form.elements.website.value) payload.website = form.elements.website.value;
      var button = form.querySelector("button[type=submit]");
      busy(button, true);
      withProof("jam:" + id, payload).then(function (body) {
        return api("POST", form.getAttribute("action"), body);
      }).then(function (result) {
        busy(button, false);
        if (result.status === 201 && result.data) {
          form.reset();
          lastSimilar = "";
          showSimilar();
          var text = result.data.status === "pending"
            ? t("Thanks — your idea is awaiting review. It will appear here once our team has read it.")
            : t("Thanks — your idea is published.");
          say(root, text, "ok", true);
          var reward = rewardNode(result.data.reward);
          if (reward) statusSlot(root).appendChild(reward);
          /* Only a published idea can be followed; one awaiting review cannot yet. */
          if (result.data.status === "published" && result.data.id && result.data.id !== "0") {
            offerFollow(String(result.data.id), t("Tell me what happens to your idea: your e-mail address"));
          }
          shareLine(root);
          load();
          return;
        }
        say(root, errorText(result, "jam"), "error", true);
      });
    });
  }

  load();
}
upgradeAll("jam", upgradeJam);
