// The outreach's encounter form without network (docs/continuite.md): when the server cannot be
// reached, « Enregistrer » keeps the encounter in ParcoursOffline's queue (with its own client id,
// so that it is stored once), the list under the banner says what is not sent yet, and everything
// leaves when the network comes back (the `online` event, every 30 seconds, « Envoyer maintenant »).
"use strict";
(() => {
  const box = document.querySelector("[data-offline-outreach]");
  const form = document.querySelector("[data-encounter-form]");
  if (!box || !form || !window.ParcoursOffline) return;
  const t = (name, values = {}) =>
    (box.dataset["t" + name] || "").replace(/%\((\w+)\)s/g, (_m, key) => String(values[key] ?? ""));
  const hhmm = (iso) => new Date(iso).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
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
    const lines = [];
    if (!queue.reachable) lines.push(t("Offline"));
    if (waiting) lines.push(t(waiting > 1 ? "PendingMany" : "PendingOne", { n: waiting }));
    if (queue.lastError === "session") lines.push(t("Session"));
    box.querySelector("[data-offline-text]").textContent = lines.join(" ");
    box.hidden = !records.length && queue.reachable;
    box.dataset.state = queue.reachable ? "online" : "offline";
    box.dataset.pending = String(waiting);
    box.querySelector("[data-offline-sync]").hidden = !waiting;
    const list = box.querySelector("[data-offline-records]");
    list.replaceChildren();
    for (const record of records) {
      const item = document.createElement("li");
      item.className = "list-group-item small d-flex flex-wrap gap-2 align-items-baseline";
      item.dataset.record = record.client_id;
      item.dataset.status = record.status;
      const badge = document.createElement("span");
      const tone = { pending: "warning", refused: "danger", conflict: "danger" }[record.status] || "success";
      badge.className = "badge text-bg-" + tone;
      badge.textContent = list.dataset["tStatus" + record.status[0].toUpperCase() + record.status.slice(1)] || record.status;
      const what = document.createElement("span");
      what.textContent = list.dataset.tNoted.replace("%(time)s", hhmm(record.created_at));
      item.append(badge, what);
      if (record.message) {
        const message = document.createElement("span");
        message.className = "text-secondary w-100";
        message.textContent = record.message;
        item.append(message);
      }
      if (record.url) {
        const link = document.createElement("a");
        link.href = record.url;
        link.textContent = list.dataset.tOpen;
        item.append(link);
      }
      if (record.status === "refused" || record.status === "conflict") {
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-sm btn-outline-secondary ms-auto";
        discard.textContent = list.dataset.tDiscard;
        discard.addEventListener("click", () => queue.discard(record.client_id));
        item.append(discard);
      }
      list.append(item);
    }
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

  const sync = () => queue.sync().then(render);
  box.querySelector("[data-offline-sync]").addEventListener("click", sync);
  window.addEventListener(window.ParcoursOffline.EVENT, () => render());
  window.addEventListener("online", sync);
  window.addEventListener("offline", () => { queue.setReachable(false); render(); });
  setInterval(async () => {
    if ((await queue.waiting()).length) sync();
  }, 30_000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(box.dataset.sw, { scope: "/" }).then(() => navigator.serviceWorker.ready)
      .then((registration) => { if (registration.active) registration.active.postMessage({ type: "warm" }); })
      .catch(() => null);
  }
  render().then(sync);
})();
