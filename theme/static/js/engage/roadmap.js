/* engage/roadmap.js: the baked roadmap board, redrawn from /api/roadmap with the same
 * markup, so a status changed since the build shows at once. Loaded only on /roadmap.
 */
import { api, clear, el, t, tn, upgradeAll } from "./shared.js";

function roadmapCard(card, meaning) {
  var meta = (card.author ? t("by %(author)s", { author: card.author }) + " · " : "") + tn("%(n)s vote", "%(n)s votes", card.votes) +
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
      text: (meaning === "closed" ? t("Why:") + " " : "") + card.note }));
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
        text: t("No idea has moved along the roadmap yet. Send one in any open idea jam.") }));
    }
    sections.forEach(function (s) {
      var heading = el("h2", { id: "rm-" + s.key }, [
        el("span", { className: "status-badge " + s.css, text: s.label }), " ",
        el("span", { className: "roadmap__count", text: tn("%(n)s idea", "%(n)s ideas", s.ideas.length) })
      ]);
      var body = s.ideas.length
        ? el("ul", { className: "roadmap__cards" }, s.ideas.map(function (c) { return roadmapCard(c, s.meaning); }))
        : el("p", { className: "roadmap__none", text: t("Nothing here right now.") });
      root.appendChild(el("section", { className: "roadmap__section roadmap__section--" + s.meaning,
        "aria-labelledby": "rm-" + s.key }, [heading, body]));
    });
    root.setAttribute("data-engage-live", "true");
  });
}
upgradeAll("roadmap", upgradeRoadmap);
