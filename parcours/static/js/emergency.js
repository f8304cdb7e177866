// The 115 board refreshes itself every 30 seconds (hx-trigger on #board), but not while the tab is
// hidden: under the strict CSP htmx may not evaluate a trigger filter, so the check lives here.
document.addEventListener("htmx:beforeRequest", (event) => {
  if (document.visibilityState !== "visible" && event.detail.elt && event.detail.elt.id === "board") {
    event.preventDefault();
  }
});

// A request's page changes in place once a place is allocated (#request-main): the messages shown
// above it when the page was loaded (« choisissez une place ») no longer hold, so they go.
document.addEventListener("htmx:afterSettle", (event) => {
  const main = document.getElementById("request-main");
  if (!main || !event.detail.elt || !main.contains(event.detail.elt)) return;
  document.querySelectorAll("[aria-live] > .alert").forEach((alert) => {
    if (!main.contains(alert)) alert.remove();
  });
});
