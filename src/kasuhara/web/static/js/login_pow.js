// Proof of work for a login under attack (see kasuhara.services.auth.LoginPolicy): find a nonce so that
// SHA-256(challenge + ":" + nonce) starts with `bits` zero bits, put it in the form, then submit.
(function () {
  "use strict";
  var form = document.querySelector('form[action="/api/v1/auth/session"]');
  if (!form || !form.pow_challenge || !window.crypto || !window.crypto.subtle) return;
  var challenge = form.pow_challenge.value;
  var bits = parseInt(challenge.split(".")[1], 10);
  var encoder = new TextEncoder();

  function zeroBits(buffer) {
    var bytes = new Uint8Array(buffer), count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      for (var mask = 0x80; mask && !(bytes[i] & mask); mask >>= 1) count++;
      break;
    }
    return count;
  }

  async function solve() {
    for (var nonce = 0; ; nonce++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce));
      if (zeroBits(digest) >= bits) return String(nonce);
    }
  }

  form.addEventListener("submit", function (event) {
    if (form.pow_nonce.value) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = form.pow_nonce.dataset.working; }
    solve().then(function (nonce) { form.pow_nonce.value = nonce; form.submit(); });
  });
})();
