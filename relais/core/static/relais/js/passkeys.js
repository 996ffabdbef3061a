// Once django-otp-webauthn's script has registered a passkey, go on to the recovery codes (first time) or the
// two-factor page, through a form the page carries (relais/templates/accounts/_passkey_register.html).
document.addEventListener("otp_webauthn.register_complete", function () {
  var form = document.getElementById("passkey-done-form");
  if (form) form.submit();
});
