// Assistance line behaviour, hooked on data-relais-* attributes (the CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  // Canned replies: choosing one fills the reply box, which the operator may still edit.
  document.querySelectorAll("[data-relais-canned]").forEach((select) => {
    select.addEventListener("change", () => {
      const target = document.getElementById(select.dataset.relaisCanned);
      const option = select.options[select.selectedIndex];
      if (target && option && option.dataset.body) {
        target.value = option.dataset.body;
        target.focus();
      }
    });
  });
  document.querySelectorAll("[data-relais-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
