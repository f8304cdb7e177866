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

  // Search-as-you-type combobox (WAI-ARIA 1.2, list autocomplete): htmx fills the listbox as one
  // types; arrows move among the options, Enter or a click chooses one (its id goes into the hidden
  // field), Escape closes. Without JavaScript the name typed is resolved by the server on submit.
  document.querySelectorAll("input[data-combobox]").forEach((input) => {
    const listbox = document.getElementById(input.getAttribute("aria-controls"));
    const hidden = input.form && input.form.querySelector(`input[type=hidden][name="${input.dataset.combobox}"]`);
    if (!listbox) return;
    let active = -1;
    const options = () => Array.from(listbox.querySelectorAll('[role=option]:not([aria-disabled="true"])'));
    const close = () => {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const highlight = (index) => {
      const all = options();
      all.forEach((o, i) => {
        o.setAttribute("aria-selected", String(i === index));
        o.classList.toggle("active", i === index);
      });
      active = index;
      if (all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      }
    };
    const choose = (option) => {
      input.value = option.dataset.label;
      if (hidden) hidden.value = option.dataset.value;
      close();
      input.focus();
    };
    listbox.addEventListener("htmx:afterSwap", () => {
      const any = listbox.querySelector("[role=option]");
      listbox.hidden = !any;
      input.setAttribute("aria-expanded", String(Boolean(any)));
      active = -1;
    });
    input.addEventListener("input", () => {
      if (hidden) hidden.value = ""; // typing again undoes the choice
    });
    input.addEventListener("keydown", (event) => {
      const all = options();
      if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight((active + 1) % all.length);
      } else if (event.key === "ArrowUp" && all.length) {
        event.preventDefault();
        highlight(active <= 0 ? all.length - 1 : active - 1);
      } else if (event.key === "Enter" && !listbox.hidden && all[active]) {
        event.preventDefault();
        choose(all[active]);
      } else if (event.key === "Escape" && !listbox.hidden) {
        event.preventDefault();
        close();
      }
    });
    listbox.addEventListener("mousedown", (event) => {
      const option = event.target.closest('[role=option]:not([aria-disabled="true"])');
      if (option) {
        event.preventDefault();
        choose(option);
      }
    });
    input.addEventListener("blur", close);
  });
});
