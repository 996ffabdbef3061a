// Print button of the flyer (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-relais-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
