// The shared assessment form (AFFIL grid): the sommaire's counts and the progress announced politely,
// the sections opened from the sommaire, and the draft saved on the server (never in the browser:
// computers are shared in associations) every few seconds when something changed and whenever the
// tab is hidden. No inline script: the strict CSP allows only this file.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosave-url]");
  if (!form) return;
  const NOT_ASSESSED = "not_assessed";

  // -- Progress: an item is answered when a level other than « Non évalué » is chosen, or anything
  // written (the same rule as AssessmentForm._answered on the server).
  const progress = document.querySelector("[data-progress-answered]");
  const bar = document.querySelector(".prc-progress");
  const itemAnswered = (fieldset) => {
    const checked = fieldset.querySelector('input[type="radio"]:checked');
    if (checked && checked.value !== NOT_ASSESSED) return true;
    return Array.from(
      fieldset.querySelectorAll('textarea, select, input:not([type="radio"]):not([type="hidden"])'),
    ).some((field) => field.value.trim() !== "");
  };
  const refresh = () => {
    let answered = 0;
    form.querySelectorAll("[data-section]").forEach((section) => {
      const items = Array.from(section.querySelectorAll("[data-item]"));
      const done = items.filter(itemAnswered).length;
      answered += done;
      const code = section.dataset.section;
      document.querySelectorAll(`[data-section-count="${code}"]`).forEach((count) => {
        if (count.textContent !== String(done)) count.textContent = String(done);
      });
      document.querySelectorAll(`[data-section-state="${code}"]`).forEach((link) => {
        link.classList.toggle("prc-complete", done === items.length);
      });
    });
    // Only a change of the figure is written: the live region speaks once per change, not per key.
    if (progress && progress.textContent !== String(answered)) {
      progress.textContent = String(answered);
      if (bar) bar.value = answered;
    }
  };

  // -- Sommaire and « Section suivante »: open the section (the others close) and put the focus on
  // its heading's button, so that the keyboard goes on from there.
  const openSection = (code) => {
    const body = document.getElementById(`body-section-${code}`);
    if (!body || !window.bootstrap) return false;
    window.bootstrap.Collapse.getOrCreateInstance(body, { toggle: false }).show();
    const button = document.querySelector(`#h-section-${code} button`);
    if (button) {
      button.focus({ preventScroll: true });
      button.scrollIntoView({ block: "start" });
    }
    return true;
  };
  document.querySelectorAll("[data-section-link]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const code = link.dataset.sectionLink;
      if (code === "recommendations") {
        event.preventDefault();
        const heading = document.getElementById("h-recommendations");
        heading.focus({ preventScroll: true });
        heading.scrollIntoView({ block: "start" });
        return;
      }
      if (openSection(code)) event.preventDefault();
    });
  });
  // Printing shows every section (the CSS does it too; this keeps Bootstrap's state in step).
  window.addEventListener("beforeprint", () => {
    form.querySelectorAll(".accordion-collapse").forEach((body) => body.classList.add("show"));
  });

  // -- Draft saved automatically on the server.
  const status = document.getElementById("autosave-status");
  const alertBox = document.getElementById("autosave-alert");
  const version = form.querySelector('input[name="draft_version"]');
  const every = Number(form.dataset.autosaveMs) || 15000;
  let dirty = false;
  let saving = false;
  let stopped = false;
  const changed = () => {
    dirty = true;
    refresh();
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // The version saved deletes the draft: no save may follow it, and one under way ends first (else
  // it could bring the draft back after the version is saved).
  let inflight = null;
  form.addEventListener("submit", (event) => {
    stopped = true;
    if (inflight) {
      event.preventDefault();
      const submitter = event.submitter;
      inflight.finally(() => {
        inflight = null;
        form.requestSubmit(submitter);
      });
    }
  });

  const save = (keepalive) => {
    if (!dirty || saving || stopped) return;
    inflight = send(keepalive).finally(() => {
      inflight = null;
    });
  };
  const send = async (keepalive) => {
    saving = true;
    dirty = false;
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        keepalive,
        headers: { Accept: "application/json" },
      });
      const answer = await response.json();
      if (response.ok) {
        version.value = String(answer.version);
        if (status) status.textContent = answer.message;
      } else if (response.status === 409 || response.status === 403 || response.status === 404) {
        // Another tab wrote the draft, or the version was saved: never overwrite, say it and stop.
        stopped = true;
        if (alertBox) {
          alertBox.textContent = answer.message;
          alertBox.classList.remove("d-none");
        }
      } else {
        dirty = true;
        if (status) status.textContent = answer.message || form.dataset.autosaveFailed;
      }
    } catch (error) {
      dirty = true;
      if (status) status.textContent = form.dataset.autosaveFailed;
    } finally {
      saving = false;
    }
  };
  window.setInterval(() => save(false), every);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save(true);
  });
});
