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

  // Django formsets: "add a person" clones the empty form and moves the focus into it.
  document.querySelectorAll("[data-formset-add]").forEach((button) => {
    const prefix = button.dataset.formsetAdd;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const template = document.getElementById(`${prefix}-empty`);
    const container = document.querySelector(`[data-formset-prefix="${prefix}"]`);
    if (!total || !template || !container) return;
    button.addEventListener("click", () => {
      const index = parseInt(total.value, 10);
      container.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
      total.value = String(index + 1);
      const added = container.lastElementChild.querySelector("input, select");
      if (added) added.focus();
    });
  });
});
