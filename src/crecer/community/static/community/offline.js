// The offline visit form: each visit is kept in this device's local storage with an id made
// here, the count of visits waiting is shown, and the queue is sent when a connection is
// there (on load, on "online", and after each new visit). What the server could not take
// (a conflict, a refusal) stays listed for the person to read; nothing is dropped silently.
(function () {
  "use strict";
  const QUEUE = "crecer.offline.visits";
  const PROBLEMS = "crecer.offline.problems";
  const root = document.getElementById("offline");
  const form = document.getElementById("visit-form");
  const waiting = document.getElementById("waiting");
  const problems = document.getElementById("problems");
  const state = document.getElementById("connection");
  const syncUrl = root.dataset.sync;
  let sending = false;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function write(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  function render() {
    waiting.textContent = String(read(QUEUE).length);
    state.textContent = navigator.onLine ? root.dataset.online : root.dataset.offline;
    problems.replaceChildren();
    for (const problem of read(PROBLEMS)) {
      const item = document.createElement("li");
      item.textContent = problem.record.date + " · " + problem.record.document + " · " + problem.message;
      problems.appendChild(item);
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  async function sync() {
    const queue = read(QUEUE);
    if (sending || !queue.length || !navigator.onLine) { render(); return; }
    sending = true;
    try {
      const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
      const response = await fetch(syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ visits: queue }),
      });
      if (!response.ok) { return; }
      const answers = (await response.json()).results || [];
      const done = new Set();
      const kept = read(PROBLEMS);
      for (const answer of answers) {
        done.add(answer.id);
        if (answer.status === "conflict" || answer.status === "refused") {
          const record = queue.find((r) => r.id === answer.id);
          kept.push({ record: record, message: answer.message });
        }
      }
      write(PROBLEMS, kept);
      // Only what the server answered leaves the queue (visits added meanwhile stay).
      write(QUEUE, read(QUEUE).filter((r) => !done.has(r.id)));
    } catch (error) {
      // No connection after all: the queue waits for the next chance.
    } finally {
      sending = false;
      render();
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const record = { id: newId() };
    for (const [name, value] of data.entries()) {
      if (name !== "csrfmiddlewaretoken") { record[name] = value; }
    }
    const queue = read(QUEUE);
    queue.push(record);
    write(QUEUE, queue);
    form.reset();
    form.querySelector("input[name=date]").value = root.dataset.today;
    render();
    sync();
  });

  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope })
      .then(() => navigator.serviceWorker.ready)
      .then(() => caches.open("crecer-offline-v1"))
      .then((cache) => {
        const files = [location.pathname];
        document.querySelectorAll("script[src], link[rel=stylesheet]").forEach((node) => {
          files.push(node.getAttribute("src") || node.getAttribute("href"));
        });
        return cache.addAll(files);
      })
      .then(() => { root.dataset.ready = "yes"; })
      .catch(() => {});
  }
  render();
  sync();
})();
