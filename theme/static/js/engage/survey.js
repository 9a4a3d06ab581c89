/* engage/survey.js: the promoter survey. Sends the answer as JSON and reveals the thank-you
 * (review links, the share text or the support link the answer carries), with links to the
 * roadmap and the reader's own page: surveys have no follow of their own. Loaded only on
 * pages holding a survey block.
 */
import { api, busy, clear, el, errorText, linked, rewardNode, say, serverUrl, shareLine, t, upgradeAll } from "./shared.js";
import { prepareOn, withProof } from "./proof.js";

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
    label.textContent = followup ? t("%(question)s (optional)", { question: followup }) : defaultLabel;
  });

  /* There is no follow for a survey: point at what happens with what readers say instead. */
  function nextSteps() {
    return el("p", { className: "engage-next" }, linked(t(
      "See what we are doing with what you tell us on <a href=\"%(roadmap)s\">the roadmap</a>, and keep track of everything you took part in on <a href=\"%(me)s\">your page</a>."),
      { roadmap: "/roadmap", me: serverUrl("/me") }));
  }

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
        reviews.appendChild(el("li", {}, [el("a", { href: link.url, rel: "noopener external", text: t("Review us on %(site)s", { site: link.name }) })]));
      });
    }
    var share = thanks.querySelector(".engage-share");
    if (share) {
      clear(share);
      share.hidden = !invite.share;
      if (invite.share) {
        share.appendChild(el("p", { text: t("Recommend us to a friend, in your own words:") }));
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
    if (!thanks.querySelector(".engage-next")) thanks.appendChild(nextSteps());
    shareLine(thanks);  /* the reader's ?via= link, once they have taken part */
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
      say(root, t("This survey has closed. Thank you to everyone who answered."), "ok");
    }
  });

  if (root.elements.comment) prepareOn(root.elements.comment, function () { return "survey:" + id; });
  root.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = root.querySelector("input[name=score]:checked");
    if (!chosen) {
      say(root, t("Please pick a number from 0 to 10."), "error");
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
    var sent = payload.comment ? withProof("survey:" + id, payload) : Promise.resolve(payload);
    sent.then(function (body) {
      return api("POST", root.getAttribute("action"), body);
    }).then(function (result) {
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
upgradeAll("survey", upgradeSurvey);
