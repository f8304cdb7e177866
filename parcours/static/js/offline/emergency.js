// The 115's continuity mode (docs/continuite.md), on every 115 page carrying the banner
// (emergency/_offline_banner.html): the service worker is registered and keeps tonight's places;
// the banner says « Hors ligne — tableau du 22:14, 2 appels en attente d'envoi »; the calls noted on
// the offline page (emergency/offline.html) wait in ParcoursOffline's queue and leave as soon as the
// server answers (the `online` event, every 30 seconds, the « Envoyer maintenant » button).
"use strict";
(() => {
  const banner = document.querySelector("[data-offline-banner]");
  if (!banner || !window.ParcoursOffline) return;
  const { hhmm } = window.ParcoursOffline;
  const t = window.ParcoursOffline.texts(banner);

  const queue = new window.ParcoursOffline.Queue({
    kind: "emergency.call",
    user: banner.dataset.user,
    sendUrl: banner.dataset.send,
    tokenUrl: banner.dataset.snapshot,
    keepHours: 12, // until the snapshot says the server's (core/offline.py KEEP_HOURS)
    summarize: (p) => ({ persons: p.persons || null, unit: Boolean(p.unit) }),
  });
  let snapshot = null; // tonight's places as last read: {taken_at, night, facilities, …}

  async function readSnapshot() {
    try {
      const response = await fetch(banner.dataset.snapshot, { credentials: "same-origin" });
      const kept = response.headers.has("X-Parcours-Kept-At");
      if (response.ok && (response.headers.get("Content-Type") || "").includes("json")) {
        const body = await response.json();
        if (body.keep_hours) queue.keepHours = body.keep_hours;
        if (String(body.user) === banner.dataset.user && (!snapshot || snapshot.taken_at !== body.taken_at)) {
          snapshot = body;
          renderSnapshot();
        }
      }
      queue.setReachable(!kept && !response.redirected);
    } catch (error) {
      queue.setReachable(false);
    }
    render();
  }

  async function renderBanner() {
    const waiting = (await queue.waiting()).length;
    const offlineText = t("Offline") + " — " + (snapshot ? t("Board", { time: hhmm(snapshot.taken_at) }) : t("NoBoard"));
    const parts = window.ParcoursOffline.showState(banner, queue, waiting, { offlineText, separator: ", " });
    banner.hidden = !parts.length;
    const link = banner.querySelector("[data-offline-link]");
    link.hidden = queue.reachable || location.pathname === banner.dataset.offlinePage;
  }

  function renderSnapshot() {
    const title = document.querySelector("[data-snapshot-title]");
    if (!title) return;
    const cards = document.querySelector("[data-snapshot-cards]");
    const select = document.getElementById("off-unit");
    cards.replaceChildren();
    [...select.options].slice(1).forEach((o) => o.remove());
    if (!snapshot) {
      title.textContent = title.dataset.tNone;
      return;
    }
    title.textContent = title.dataset.tTitle.replace("%(time)s", hhmm(snapshot.taken_at));
    title.dataset.takenAt = snapshot.taken_at;
    const summary = document.querySelector("[data-snapshot-summary]");
    summary.textContent = summary.dataset.tFree.replace("%(n)s", snapshot.free_places)
      + (snapshot.free_places ? " : " + snapshot.by_public.map((row) => row.places + " " + row.label).join(", ") : "");
    for (const facility of snapshot.facilities) {
      const col = document.createElement("div");
      col.className = "col";
      const card = document.createElement("article");
      card.className = "card h-100";
      card.dataset.facility = facility.id;
      const body = document.createElement("div");
      body.className = "card-body p-2";
      const head = document.createElement("h3");
      head.className = "h6 mb-1";
      head.textContent = facility.name + " — " + (facility.places > 1 ? cards.dataset.tPlaces : cards.dataset.tPlace).replace("%(n)s", facility.places);
      const line = document.createElement("p");
      line.className = "small mb-0";
      line.textContent = [facility.kind, facility.publics.join(", "), facility.address, facility.phone].filter(Boolean).join(" · ");
      body.append(head, line);
      card.append(body);
      col.append(card);
      cards.append(col);
      const group = document.createElement("optgroup");
      group.label = facility.name;
      for (const unit of facility.units) {
        const option = new Option(unit.label + " (" + unit.capacity + ")", unit.id);
        option.dataset.capacity = unit.capacity;
        group.append(option);
      }
      select.append(group);
    }
  }

  async function renderRecords() {
    const list = document.querySelector("[data-offline-records]");
    if (!list) return;
    const records = await queue.records();
    if (!records.length) {
      const empty = document.createElement("li");
      empty.className = "list-group-item";
      empty.textContent = list.dataset.tEmpty;
      list.replaceChildren(empty);
      return;
    }
    window.ParcoursOffline.showRecords(queue, list, records, {
      details: ({ summary }) => [
        summary && summary.persons ? list.dataset.tPersons.replace("%(n)s", summary.persons) : "",
        summary && summary.unit ? list.dataset.tPlace : "",
      ].filter(Boolean),
    });
  }

  let rendering = Promise.resolve();
  function render() {
    rendering = rendering.then(() => Promise.all([renderBanner(), renderRecords()])).catch(() => null);
    return rendering;
  }
  const sync = window.ParcoursOffline.connect(queue, banner, { render, afterSync: readSnapshot });

  const form = document.querySelector("[data-offline-form]");
  if (form) {
    const error = document.querySelector("[data-offline-form-error]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const number = (name) => (data.get(name) ? Number(data.get(name)) : null);
      const payload = {
        recorded_at: new Date().toISOString(),
        outcome: data.get("outcome"),
        caller_name: (data.get("caller_name") || "").trim(),
        night: data.get("night") || "",
        persons: number("persons"),
        children: number("children"),
        women_only: data.get("women_only") === "on",
        facts: data.getAll("facts"),
        priority: data.get("priority") || "",
        priority_reason: (data.get("priority_reason") || "").trim(),
        unit: number("unit"),
        caller_phone: (data.get("caller_phone") || "").trim(),
        note: (data.get("note") || "").trim(),
      };
      let problem = "";
      if (payload.outcome === "request" && !payload.persons) problem = form.dataset.tPersons;
      else if (payload.children && payload.persons && payload.children >= payload.persons) problem = form.dataset.tChildren;
      else if (payload.priority && !payload.priority_reason) problem = form.dataset.tReason;
      error.textContent = problem;
      error.hidden = !problem;
      if (problem) {
        error.focus();
        return;
      }
      await queue.add(payload);
      form.reset();
      form.querySelector("[name=night]").value = snapshot ? snapshot.night : form.querySelector("[name=night]").defaultValue;
      form.querySelector("[name=outcome]").focus();
      sync();
    });
  }

  // The board refreshes itself every 30 seconds: the places kept for an outage follow it.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.elt && event.detail.elt.id === "board") readSnapshot();
  });
  renderSnapshot();
  readSnapshot().then(() => queue.sync());
})();
