/* Tallowmere hub: small progressive enhancements. Every feature works without this file. */
(function () {
  "use strict";

  function say(statusEl, text) {
    if (statusEl) { statusEl.textContent = text; }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  /* Coupon codes: show the copy button, copy on click, confirm in a live region. */
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-from"));
    var box = button.closest("[data-coupon]");
    var status = box && box.querySelector(".coupon__status");
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(input.value).then(function () {
        button.textContent = "Copied";
        say(status, "Code " + input.value + " copied. Paste it at checkout.");
        window.setTimeout(function () { button.textContent = "Copy code"; }, 4000);
      }, function () {
        input.focus();
        input.select();
        say(status, "Press Ctrl+C (or \u2318+C) to copy the selected code.");
      });
    });
  });

  /* Share: "Copy link" copies instead of navigating; it stays a normal link without JS. */
  document.querySelectorAll("[data-copy-text]").forEach(function (link) {
    var box = link.closest(".share");
    var status = box && box.querySelector(".share__status");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      copyText(link.getAttribute("data-copy-text")).then(function () {
        say(status, "Link copied.");
      }, function () {
        say(status, "Copy this address: " + link.getAttribute("data-copy-text"));
      });
    });
  });

  /* Offers that expired since the last build: mark them, and drop them from "current" lists. */
  var now = Date.now();
  document.querySelectorAll("[data-expires]").forEach(function (el) {
    var ends = Date.parse(el.getAttribute("data-expires"));
    if (isNaN(ends) || ends >= now || el.classList.contains("is-expired")) { return; }
    if (el.closest("[data-offer-list]")) {
      el.hidden = true;
      return;
    }
    el.classList.add("is-expired");
    var state = el.querySelector("[data-offer-state]");
    if (state) { state.textContent = "Expired"; }
    el.querySelectorAll("[data-coupon]").forEach(function (c) { c.hidden = true; });
  });
})();
