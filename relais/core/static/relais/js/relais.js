// Minimal behaviour, hooked on data-relais-* attributes (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  document.documentElement.classList.add("js");
  // The main menu's disclosure button (base.html): shown on phones only (CSS), Escape closes it.
  document.querySelectorAll("[data-relais-menu]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  });
  document.querySelectorAll("[data-relais-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form && el.form.requestSubmit());
  });
});

// Field work keeps the pages a mediator opened for offline use (fieldwork/sw.js): forget them on logout.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-relais-logout]");
  if (!form || !window.caches || form.dataset.relaisCleared) return;
  event.preventDefault();
  caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("relais-fieldwork-")).map((k) => caches.delete(k))))
    .finally(() => {
      form.dataset.relaisCleared = "1";
      form.submit();
    });
});
