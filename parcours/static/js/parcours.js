// Small behaviours on data-* attributes; no inline script anywhere (a strict CSP is planned).
document.addEventListener("DOMContentLoaded", () => {
  // Focus the first error summary so that screen-reader and keyboard users hear what to fix.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.copy);
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
    });
  });
});
