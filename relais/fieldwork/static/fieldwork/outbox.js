// Relais field work: an outbox on the phone, so that no entry is lost on a weak network.
//
// A form marked data-relais-outbox is not submitted by the browser: the tap becomes an entry
// {key, url, body, label} kept in localStorage, then sent with fetch. An entry leaves the outbox only
// when the server answered (2xx: done; 4xx: refused, the message is shown). When the network is away
// the entry waits and is re-sent, in order, when it returns ("online" event, and every few seconds).
// Each entry carries its idempotency key, so a re-sent entry whose first response was lost is
// recognised by the server and written once.
//
// A session that ended (idle too long, closed from another device, a second factor owed) answers 401, or
// a redirect to the login page: the entry stays, the page asks to sign in again, and once signed in the
// entries leave with the new session's CSRF token (the old one changed at sign-in). An entry names the
// person who typed it (data-relais-outbox-owner) and is sent only under that person's sign-in.
(() => {
  "use strict";
  const STORE = "relais.fieldwork.outbox.v1";
  const RETRY_MS = 4000;
  let flushing = false;
  let signInNeeded = false;

  function statusBox() {
    return document.querySelector("[data-relais-outbox-status]");
  }

  function owner() {
    const box = statusBox();
    return box ? box.dataset.relaisOutboxOwner || "" : "";
  }

  function mine(item) {
    return !item.owner || item.owner === owner();
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function isLoginPage(url) {
    const box = statusBox();
    const login = box && box.dataset.relaisLogin;
    try {
      return Boolean(login) && new URL(url).pathname === login;
    } catch (e) {
      return false;
    }
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "[]");
    } catch (e) {
      return [];
    }
  }

  function save(items) {
    localStorage.setItem(STORE, JSON.stringify(items));
    render(items);
  }

  function plural(n, one, many) {
    return n === 1 ? one : many;
  }

  function render(items) {
    items = items || load();
    document.querySelectorAll("[data-relais-outbox-status]").forEach((el) => {
      const list = el.querySelector("[data-relais-outbox-list]");
      const text = el.querySelector("[data-relais-outbox-count]");
      if (!items.length) {
        el.hidden = true;
        if (text) text.textContent = "";
        if (list) list.replaceChildren();
        return;
      }
      el.hidden = false;
      const n = items.length;
      if (text) {
        text.textContent = `${n} ${plural(n, "saisie", "saisies")} en attente d'envoi` +
          (navigator.onLine ? " : envoi en cours…" : " : pas de réseau, elles partiront dès son retour.");
      }
      if (list) {
        list.replaceChildren(...items.map((item) => {
          const li = document.createElement("li");
          li.textContent = item.label || "Saisie";
          return li;
        }));
      }
    });
    document.querySelectorAll("[data-relais-pending-key]").forEach((el) => {
      if (!items.some((i) => i.key === el.dataset.relaisPendingKey)) el.removeAttribute("data-relais-pending-key");
    });
  }

  function showError(message) {
    const box = document.querySelector("[data-relais-outbox-error]");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  }

  // An answer's parts marked data-relais-oob are placed by their own id: each replaces the element of the same
  // id, or, when there is none yet and the mark says "beforeend:<selector>", is appended there (an added row:
  // a replayed tap whose first answer was lost finds its row drawn already, and replaces it); "delete" removes
  // the element of that id (a withdrawn row). The rest of the
  // answer replaces the form's target (data-relais-target), or removes it when the answer holds nothing else.
  function place(el) {
    const spec = el.getAttribute("data-relais-oob") || "";
    el.removeAttribute("data-relais-oob");
    const existing = el.id && document.getElementById(el.id);
    if (spec === "delete") {
      if (existing) existing.remove();
      return;
    }
    if (existing) existing.replaceWith(el);
    else if (spec.startsWith("beforeend:")) {
      const list = document.querySelector(spec.slice("beforeend:".length));
      if (!list) return;
      list.append(el);
    } else return;
    if (window.htmx) window.htmx.process(el);
  }

  function askSignIn() {
    const box = document.querySelector("[data-relais-outbox-error]");
    if (!box) return;
    const n = load().filter(mine).length;
    const text = document.createElement("p");
    text.textContent = `Votre session est terminée. ${n} ${plural(n, "saisie est gardée", "saisies sont gardées")} ` +
      "sur ce téléphone : reconnectez-vous pour l'envoyer" + (n > 1 ? "s." : ".");
    const link = document.createElement("a");
    const login = statusBox() ? statusBox().dataset.relaisLogin : "";
    link.href = `${login || "/"}?next=${encodeURIComponent(location.pathname + location.search)}`;
    link.textContent = "Se reconnecter";
    box.replaceChildren(text, link);
    box.hidden = false;
  }

  function swap(selector, html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    const parts = Array.from(tpl.content.children);
    const oob = parts.filter((el) => el.hasAttribute("data-relais-oob"));
    oob.forEach(place);
    const target = selector && document.querySelector(selector);
    if (!target) return;
    const fresh = parts.find((el) => !oob.includes(el)); // (place() took the marks off the oob parts)
    if (!fresh) {
      if (!oob.length) target.remove();
      return;
    }
    target.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }

  async function flush() {
    if (flushing || signInNeeded) return;
    flushing = true;
    try {
      let item;
      while ((item = load().find(mine))) {
        const body = new URLSearchParams(item.body);
        const token = csrfToken();
        if (token) body.set("csrfmiddlewaretoken", token);
        let response;
        try {
          response = await fetch(item.url, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "HX-Request": "true", "X-Relais-Outbox": "1" },
          });
        } catch (networkError) {
          break; // offline or the connection dropped: keep it, try again later
        }
        if (response.status >= 500 || response.status === 429 || response.status === 0) break;
        if (response.status === 401 || (response.redirected && isLoginPage(response.url))) {
          signInNeeded = true; // keep every entry until the person has signed in again (the page reloads then)
          askSignIn();
          break;
        }
        const text = await response.text();
        const sent = item.key;
        save(load().filter((i) => i.key !== sent));
        if (response.ok) {
          showError("");
          if (item.page === location.pathname) swap(item.target, text);
        } else if (response.status === 403) {
          showError(`« ${item.label} » n'a pas été enregistrée : session expirée ou droits insuffisants. Reconnectez-vous.`);
        } else {
          showError(`« ${item.label} » n'a pas été enregistrée : ${text.slice(0, 300)}`);
        }
      }
    } finally {
      flushing = false;
      render();
    }
  }

  function enqueue(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const key = uuid4();
    data.set("idempotency_key", key);
    const item = {
      key,
      url: form.action,
      body: Array.from(data.entries()).filter(([, v]) => typeof v === "string"),
      label: form.dataset.relaisLabel || "Saisie",
      target: form.dataset.relaisTarget || "",
      page: location.pathname,
      owner: owner(),
      at: Date.now(),
    };
    const items = load();
    items.push(item);
    save(items);
    form.setAttribute("data-relais-pending-key", key);
    const clear = form.dataset.relaisClear;
    if (clear) {
      document.querySelectorAll(clear).forEach((el) => {
        if ("value" in el && el.tagName !== "UL" && el.tagName !== "DIV") el.value = "";
        else el.replaceChildren();
      });
      const focus = document.querySelector(form.dataset.relaisFocus || "");
      if (focus) focus.focus();
    }
    if (form.dataset.relaisReset !== undefined) form.reset();
    flush();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-relais-outbox]");
    if (!form) return;
    event.preventDefault();
    enqueue(form, event.submitter);
  });

  function showNetwork() {
    document.querySelectorAll("[data-relais-offline]").forEach((el) => {
      el.hidden = navigator.onLine;
    });
  }

  // The service worker keeps the field-work pages opened here, so that they reopen without network.
  function registerWorker() {
    const holder = document.querySelector("[data-relais-sw]");
    if (!holder || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(holder.dataset.relaisSw).catch(() => {
      // No worker (private browsing, old phone): the outbox still keeps entries made on an open page.
    });
  }

  window.addEventListener("online", () => {
    showNetwork();
    flush();
  });
  window.addEventListener("offline", () => {
    showNetwork();
    render();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === STORE) render();
  });
  document.addEventListener("DOMContentLoaded", () => {
    showNetwork();
    registerWorker();
    render();
    flush();
  });
  setInterval(() => {
    if (load().length) flush();
  }, RETRY_MS);
  window.relaisOutbox = { flush, load };
})();
