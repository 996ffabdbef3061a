// Minimal behaviour, hooked on data-relais-* attributes (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
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
