/* engage/claim.js: an offer's code. Shows the live stock ("37 of 100 left") and the code the
 * reader already holds, and claims one in place; without JavaScript the form posts and the
 * page comes back with the code in its status slot. Loaded only on pages with a claim block.
 */
import { api, busy, el, errorCode, errorText, say, t, upgradeAll } from "./shared.js";

function upgradeClaim(root) {
  if (root.tagName !== "FORM") return;
  var id = root.getAttribute("data-engage-id");
  var stock = root.querySelector("[data-engage-stock]");
  var button = root.querySelector("button[type=submit]");

  function show(data) {
    if (stock && typeof data.left === "number") {
      stock.textContent = t("%(left)s of %(total)s left", { left: data.left, total: data.total });
    }
    var code = data.code || data.my_code;
    if (code) {
      button.hidden = true;
      var slot = root.querySelector(".engage-status");
      if (slot) {
        slot.textContent = "";
        slot.appendChild(el("p", { className: "engage-reward" }, [t("Your code:") + " ", el("code", { text: code })]));
      }
    } else if (!data.open) {
      busy(button, true);
      say(root, data.state === "closed" ? t("This offer has ended.") : t("All the codes have been claimed."), "ok");
    }
  }

  api("GET", "/api/claims/" + encodeURIComponent(id)).then(function (result) {
    if (result.ok && result.data) show(result.data);
  });

  root.addEventListener("submit", function (event) {
    event.preventDefault();
    busy(button, true);
    api("POST", root.getAttribute("action"), {}).then(function (result) {
      busy(button, false);
      if (result.ok && result.data) {
        show(result.data);
        return;
      }
      if (errorCode(result) === "claim_gone") {
        busy(button, true);
        if (stock) stock.textContent = "";
      }
      say(root, errorText(result, "offer"), "error", true);
    });
  });
}
upgradeAll("claim", upgradeClaim);
