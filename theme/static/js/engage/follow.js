/* engage/follow.js: "tell me what happens", a small follow form (double opt-in by mail)
 * offered after taking part. It posts JSON to /api/follows ({kind, id, jam, email}); the
 * answer is 202 whatever the address, so it never tells who is subscribed. Imported by the
 * poll and jam modules; on its own it upgrades nothing.
 */
import { api, busy, el, errorCode, errorText, t } from "./shared.js";
import { prepareOn, withProof } from "./proof.js";

/* The item a follow request's proof of work is made for (as the server reads it). */
function target(body) {
  return body.kind + ":" + body.id;
}

/* Send one follow request and put the outcome in "note" (a live region from then on). */
function request(body, button, note) {
  busy(button, true);
  return withProof(target(body), body).then(function (sent) {
    return api("POST", "/api/follows", sent);
  }).then(function (result) {
    busy(button, false);
    note.textContent = result.ok ? t("Thank you. We sent you a mail: press the button in it to confirm.")
      : errorCode(result) === "invalid_email" ? t("That does not look like an e-mail address.")
      : errorText(result, body.kind);
    note.setAttribute("role", "status");
    return result;
  });
}

/* A new follow form for one poll, jam or idea ("jam" is the idea's jam, else null). */
export function followWidget(kind, id, jam, label) {
  var input = el("input", { type: "email", name: "email", required: "required", autocomplete: "email" });
  input.id = "follow-" + kind + "-" + id;
  var button = el("button", { type: "submit", className: "button engage-button", text: t("Send me updates") });
  var note = el("p", { className: "engage-hint", text: t("One mail to confirm first; every mail has a one-click unsubscribe.") });
  var form = el("form", { className: "engage-follow-form" }, [
    el("label", { text: label }), input, button, note]);
  form.querySelector("label").setAttribute("for", input.id);
  prepareOn(form, function () { return kind + ":" + id; });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    event.stopPropagation();  // it may sit inside a widget's own form: never submit that one
    var body = { kind: kind, id: id, email: input.value };
    if (jam) body.jam = jam;
    request(body, button, note);
  });
  return form;
}

/* A follow form the build rendered, which posts to /api/follows without JavaScript: send
   the same fields as JSON and answer in place instead of leaving the page. */
export function upgradeFollowForm(form) {
  var button = form.querySelector("button[type=submit]");
  var note = form.querySelector(".engage-follow-note");
  prepareOn(form, function () {
    var kind = form.elements.namedItem("kind"), id = form.elements.namedItem("id");
    return (kind ? kind.value : "") + ":" + (id ? id.value : "");
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var field = function (name) {
      var control = form.elements.namedItem(name);
      return control ? control.value : "";
    };
    var body = { kind: field("kind"), id: field("id"), email: field("email") };
    if (field("jam")) body.jam = field("jam");
    request(body, button, note);
  });
}
