// The commission's agenda: after htmx put a line (a decision recorded, its errors) or a section's
// page in place, the keyboard focus goes where the server marked it, so that nobody is lost at the
// top of the page. Nothing else: without JavaScript the forms and links work as plain requests.
document.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector("[data-focus-after-swap]");
  if (!target) return;
  target.removeAttribute("data-focus-after-swap");
  target.focus();
});

// The minutes' « Imprimer » button (the browser's print dialog, A4 print stylesheet).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
