// The outreach's encounter form without network (docs/continuite.md): when the server cannot be
// reached, « Enregistrer » keeps the encounter in ParcoursOffline's queue (with its own client id,
// so that it is stored once), the list under the banner says what is not sent yet, and everything
// leaves when the network comes back (the `online` event, every 30 seconds, « Envoyer maintenant »).
"use strict";
(() => {
  const box = document.querySelector("[data-offline-outreach]");
  const form = document.querySelector("[data-encounter-form]");
  if (!box || !form || !window.ParcoursOffline) return;
  const queue = new window.ParcoursOffline.Queue({
    kind: "outreach.encounter",
    user: box.dataset.user,
    sendUrl: box.dataset.send,
    tokenUrl: box.dataset.token,
    summarize: (p) => ({ persons: p.persons || null }),
  });

  async function reachable() {
    if (!navigator.onLine) return false;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 4000);
    try {
      const response = await fetch(box.dataset.health, { cache: "no-store", signal: abort.signal });
      return response.ok;
    } catch (error) {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async function render() {
    const records = await queue.records();
    const waiting = records.filter((r) => r.status === "pending").length;
    window.ParcoursOffline.showState(box, queue, waiting);
    box.hidden = !records.length && queue.reachable;
    window.ParcoursOffline.showRecords(queue, box.querySelector("[data-offline-records]"), records, { small: true });
  }

  function payloadOf(submitter) {
    const data = new FormData(form);
    const payload = { noted_at: new Date().toISOString() };
    for (const [key, value] of data.entries()) {
      if (key === "csrfmiddlewaretoken" || key === "client_id" || key === "household") continue;
      if (key in payload) payload[key] = [].concat(payload[key], value);
      else payload[key] = value;
    }
    for (const name of ["needs", "given", "facts"]) {
      if (payload[name] !== undefined && !Array.isArray(payload[name])) payload[name] = [payload[name]];
    }
    if (submitter && submitter.name === "to_115") payload.to_115 = true;
    return payload;
  }

  let submitting = false;
  form.addEventListener("submit", async (event) => {
    if (submitting) return; // the native submission decided below
    event.preventDefault();
    const submitter = event.submitter;
    if (await reachable()) {
      submitting = true;
      form.requestSubmit(submitter);
      return;
    }
    queue.setReachable(false);
    await queue.add(payloadOf(submitter));
    const keep = form.querySelector("[name=commune]") ? form.querySelector("[name=commune]").value : "";
    form.reset();
    if (keep) form.querySelector("[name=commune]").value = keep;
    box.querySelector("[data-offline-text]").focus?.();
    render();
  });

  const sync = window.ParcoursOffline.connect(queue, box, { render });
  render().then(sync);
})();
