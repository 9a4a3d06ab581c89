/* Start the Pagefind search UI (loaded from /pagefind/ by the search page). */
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var root = document.querySelector("[data-search-root]");
  if (!root || typeof window.PagefindUI !== "function") { return; }
  var params = new URLSearchParams(window.location.search);
  var ui = new window.PagefindUI({
    element: "#search",
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: "Search roasts, brewing help, events, offers" }
  });
  var input = root.querySelector("input");
  if (input) {
    input.setAttribute("aria-label", "Search the hub");
  }
  if (params.get("q")) {
    ui.triggerSearch(params.get("q"));
  }
});
