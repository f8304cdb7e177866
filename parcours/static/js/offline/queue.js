// Records noted without network, kept in the browser (IndexedDB) until the server has them.
// Generic: one queue per kind of record (the 115's calls, the outreach's encounters), each sent to
// its own endpoint, which answers one result per record (docs/continuite.md):
//   POST {records: [{client_id, ...payload}]} → {results: [{client_id, status, message, url}]}
// Each record carries an id made here (crypto.randomUUID): sent twice, it is recorded once.
// Statuses: "pending" (to send), "sent" statuses (the server has it: its content is wiped at once,
// only a receipt without personal data stays), "refused" and "conflict" (the server did not take it,
// the content stays for the user to see and re-enter). Everything is wiped after KEEP_HOURS.
"use strict";
window.ParcoursOffline = (() => {
  const DB_NAME = "parcours-offline";
  const STORE = "records";
  const KEPT_STATUSES = ["pending", "refused", "conflict"];
  const EVENT = "parcours-offline:change";

  let opening = null;
  function database() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const store = request.result.createObjectStore(STORE, { keyPath: "client_id" });
          store.createIndex("kind", "kind");
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opening;
  }

  async function run(mode, action) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const result = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }

  const everything = () => run("readonly", (store) => store.getAll());
  const put = (records) => run("readwrite", (store) => { records.forEach((r) => store.put(r)); });
  const remove = (ids) => run("readwrite", (store) => { ids.forEach((id) => store.delete(id)); });

  // A JSON answer of the live server (not the service worker's kept copy, not the login page).
  function live(response) {
    return response.ok && !response.redirected && !response.headers.has("X-Parcours-Kept-At")
      && (response.headers.get("Content-Type") || "").includes("json");
  }

  class Queue {
    // kind: "emergency.call"…; user: who noted them (a shared browser sends only its user's records);
    // sendUrl: the replay endpoint; tokenUrl: a JSON page of ours answering {csrf} when online;
    // summarize(payload): a short description without personal data, kept after sending.
    constructor({ kind, user, sendUrl, tokenUrl, keepHours = 12, summarize = () => "" }) {
      Object.assign(this, { kind, user: String(user), sendUrl, tokenUrl, keepHours, summarize });
      this.syncing = null;
      this.reachable = navigator.onLine;
      this.lastError = "";
    }

    mine(record) {
      return record.kind === this.kind && record.user === this.user;
    }

    async records() {
      await this.purge();
      return (await everything()).filter((r) => this.mine(r)).sort((a, b) => a.created_at.localeCompare(b.created_at));
    }

    async waiting() {
      return (await this.records()).filter((r) => r.status === "pending");
    }

    async add(payload) {
      const record = {
        client_id: crypto.randomUUID(), kind: this.kind, user: this.user, created_at: new Date().toISOString(),
        payload, summary: this.summarize(payload), status: "pending", message: "", url: "",
      };
      await put([record]);
      this.changed();
      return record;
    }

    async discard(clientId) {
      await remove([clientId]);
      this.changed();
    }

    // Wipe what is older than keepHours, whatever its status, every user and kind.
    async purge() {
      const limit = Date.now() - this.keepHours * 3600 * 1000;
      const old = (await everything()).filter((r) => Date.parse(r.created_at) < limit).map((r) => r.client_id);
      if (old.length) await remove(old);
    }

    changed() {
      window.dispatchEvent(new CustomEvent(EVENT, { detail: { kind: this.kind } }));
    }

    setReachable(value, error = "") {
      if (this.reachable !== value || this.lastError !== error) {
        this.reachable = value;
        this.lastError = error;
        this.changed();
      }
    }

    // Send what waits; one sending at a time. Resolves to the number of records the server took.
    sync() {
      if (!this.syncing) this.syncing = this.send().finally(() => { this.syncing = null; });
      return this.syncing;
    }

    async send() {
      const waiting = await this.waiting();
      if (!waiting.length) return 0;
      let token;
      try {
        const response = await fetch(this.tokenUrl, { credentials: "same-origin", cache: "no-store" });
        if (response.redirected || (response.ok && !(response.headers.get("Content-Type") || "").includes("json"))) {
          this.setReachable(true, "session");
          return 0;
        }
        if (!live(response)) {
          this.setReachable(false);
          return 0;
        }
        token = (await response.json()).csrf;
        this.setReachable(true);
      } catch (error) {
        this.setReachable(false);
        return 0;
      }
      let results;
      try {
        const response = await fetch(this.sendUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ records: waiting.map((r) => ({ ...r.payload, client_id: r.client_id })) }),
        });
        if (!response.ok) {
          this.setReachable(response.status < 500, response.status < 500 ? "refused" : "");
          return 0;
        }
        results = (await response.json()).results || [];
      } catch (error) {
        this.setReachable(false);
        return 0;
      }
      const byId = new Map(waiting.map((r) => [r.client_id, r]));
      const updated = [];
      let taken = 0;
      for (const result of results) {
        const record = byId.get(result.client_id);
        if (!record) continue;
        record.status = result.status;
        record.message = result.message || "";
        record.url = result.url || "";
        record.sent_at = new Date().toISOString();
        if (!KEPT_STATUSES.includes(result.status)) {
          record.payload = null; // the server has it: nothing personal stays on this device
          taken += 1;
        }
        updated.push(record);
      }
      await put(updated);
      this.changed();
      return taken;
    }
  }

  // Forget everything noted on this device (a logout on a shared computer, the « Tout effacer » button).
  async function wipe() {
    const all = await everything();
    await remove(all.map((r) => r.client_id));
    window.dispatchEvent(new CustomEvent(EVENT, { detail: {} }));
  }

  // Logging out wipes what this browser keeps (the server answers with Clear-Site-Data): before that,
  // say what would be lost if records noted offline still wait to be sent.
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-prc-logout") || form.dataset.confirmed) return;
    event.preventDefault();
    let waiting = 0;
    try {
      waiting = (await everything()).filter((r) => KEPT_STATUSES.includes(r.status) && r.payload).length;
    } catch (error) {
      waiting = 0;
    }
    const message = form.dataset.prcLogoutWarning.replace("%(n)s", String(waiting));
    if (waiting && !window.confirm(message)) return;
    form.dataset.confirmed = "1";
    form.submit();
  });

  // What the pages noting records offline (offline/emergency.js, offline/outreach.js) show and do
  // alike. A page's texts are in data-t-* attributes of the element (« %(n)s » filled from values).
  const texts = (element) => (name, values = {}) =>
    (element.dataset["t" + name] || "").replace(/%\((\w+)\)s/g, (_m, key) => String(values[key] ?? ""));
  const hhmm = (iso) => new Date(iso).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });

  // The box's state line: offline (offlineText, else its « Offline » text), how many wait, an expired
  // session; its [data-offline-sync] button shows while records wait. Returns the parts shown.
  function showState(box, queue, waiting, { offlineText = null, separator = " " } = {}) {
    const t = texts(box);
    const parts = [];
    if (!queue.reachable) parts.push(offlineText ?? t("Offline"));
    if (waiting) parts.push(t(waiting > 1 ? "PendingMany" : "PendingOne", { n: waiting }));
    if (queue.lastError === "session") parts.push(t("Session"));
    box.querySelector("[data-offline-text]").textContent = parts.join(separator);
    box.dataset.state = queue.reachable ? "online" : "offline";
    box.dataset.pending = String(waiting);
    box.querySelector("[data-offline-sync]").hidden = !waiting;
    return parts;
  }

  // The list of the records (list carries data-t-noted, -open, -discard, -status-<status>): each one's
  // status, « noté à 22:14 » and details(record), the server's message, a link to what it became, and
  // « Effacer » for one the server did not take. small: the whole line in small print.
  function showRecords(queue, list, records, { details = () => [], small = false } = {}) {
    list.replaceChildren();
    for (const record of records) {
      const item = document.createElement("li");
      item.className = "list-group-item" + (small ? " small" : "") + " d-flex flex-wrap gap-2 align-items-baseline";
      item.dataset.record = record.client_id;
      item.dataset.status = record.status;
      const status = document.createElement("span");
      const tone = { pending: "warning", refused: "danger", conflict: "danger", task: "warning" }[record.status] || "success";
      status.className = "badge text-bg-" + tone;
      status.textContent = list.dataset["tStatus" + record.status[0].toUpperCase() + record.status.slice(1)] || record.status;
      const what = document.createElement("span");
      what.textContent = [list.dataset.tNoted.replace("%(time)s", hhmm(record.created_at)), ...details(record)].join(" · ");
      item.append(status, what);
      if (record.message) {
        const message = document.createElement("span");
        message.className = (small ? "" : "small ") + "text-secondary w-100";
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

  // Send what waits when the network comes back and on the box's « Envoyer maintenant » (then
  // afterSync), every 30 seconds while records wait (the server may fail while the network stays up);
  // render at every change; the service worker (box's data-sw) keeps the pages for an outage.
  // Returns the sending function.
  function connect(queue, box, { render, afterSync = render }) {
    const sync = () => queue.sync().then(afterSync);
    box.querySelector("[data-offline-sync]").addEventListener("click", sync);
    window.addEventListener(EVENT, () => render());
    window.addEventListener("online", sync);
    window.addEventListener("offline", () => { queue.setReachable(false); render(); });
    setInterval(async () => {
      if ((await queue.waiting()).length) queue.sync().then(render);
    }, 30_000);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(box.dataset.sw, { scope: "/" }).then(() => navigator.serviceWorker.ready)
        .then((registration) => { if (registration.active) registration.active.postMessage({ type: "warm" }); })
        .catch(() => null);
    }
    return sync;
  }

  return { Queue, wipe, EVENT, KEPT_STATUSES, texts, hhmm, showState, showRecords, connect };
})();
