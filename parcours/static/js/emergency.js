// The 115 board refreshes itself every 30 seconds (hx-trigger on #board), but not while the tab is
// hidden: under the strict CSP htmx may not evaluate a trigger filter, so the check lives here.
document.addEventListener("htmx:beforeRequest", (event) => {
  if (document.visibilityState !== "visible" && event.detail.elt && event.detail.elt.id === "board") {
    event.preventDefault();
  }
});
