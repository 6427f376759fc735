// The sample login page of twt-bridge's auth-gateway. Plain JavaScript, no build step.
// It uses the gateway's JSON frames ({"id","command":"auth"} / "verify_pin") so it can show the screen name;
// the original pages' "auth" / "verify_pin ÿ pin ÿ token ÿ secret" frames work the same way (see RPC_FORMAT.md).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  let requestToken = null;
  let counter = 0;

  function gatewayUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
  }

  // One request on a fresh connection, as the original pages did: no step depends on an earlier connection, so a
  // request cut by a restarting gateway (close 1001, or 1006 when it went without a close frame) is sent again on a
  // new connection, which the ingress routes to a running replica: the login resumes where it was.
  async function call(request) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(request);
      } catch (e) {
        if (!e.retry || attempt >= 6) {
          throw e;
        }
        $('status').textContent = 'The gateway is restarting; reconnecting…';
        await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 250 * 2 ** attempt)));
      }
    }
  }

  function once(request) {
    return new Promise((resolve, reject) => {
      let answered = false;
      const fail = (message, retry) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(message), { retry: retry }));
      };
      const ws = new WebSocket(gatewayUrl());
      const timer = setTimeout(() => { ws.close(); fail('The gateway did not answer in time.', false); }, 20000);
      ws.onopen = () => ws.send(JSON.stringify(Object.assign({ id: String(++counter) }, request)));
      ws.onmessage = (event) => {
        answered = true;
        clearTimeout(timer);
        ws.close(1000);
        try {
          resolve(JSON.parse(event.data));
        } catch (e) {
          reject(new Error('The gateway answered something unexpected.'));
        }
      };
      ws.onclose = (event) => {
        if (answered) {
          return;
        }
        if (event.code === 1001 || event.code === 1006) {
          fail('Cannot reach the gateway.', true);
        } else {
          fail('The gateway closed the connection (' + event.code + (event.reason ? ': ' + event.reason : '') + ').', false);
        }
      };
    });
  }

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = false;
    $('status').textContent = '';
  }

  function clearError() {
    $('error').hidden = true;
    $('error').textContent = '';
  }

  function failure(reply) {
    if (reply.error && reply.error.code === 'rate_limited') {
      return 'Too many logins right now; try again in ' + reply.error.retry_after_s + ' s.';
    }
    return (reply.error && reply.error.message) || 'Something went wrong.';
  }

  function mask(value) {
    return value.length <= 4 ? '••••' : '••••••••' + value.slice(-4);
  }

  function showAccount(reply) {
    $('screen-name').textContent = reply.screen_name;
    $('user-id').textContent = reply.user_id;
    // With GATEWAY_SEALED_TOKENS the gateway answers one sealed token (only the gateway and the workers open it).
    const token = reply.sealed_token || reply.access_token;
    const secret = reply.sealed_token ? '(inside the sealed token)' : reply.access_token_secret;
    for (const [id, value] of [['access-token', token], ['access-token-secret', secret]]) {
      $(id).dataset.secret = value;
      $(id).textContent = mask(value);
    }
    $('reveal').setAttribute('aria-pressed', 'false');
    $('reveal').textContent = 'Reveal tokens';
    $('result').hidden = false;
    $('status').textContent = 'Done: the account is connected.';
  }

  // The callback login (no PIN): X sent the browser to the gateway's callback, which sent it back here with the
  // sealed result in the fragment (never sent to a server by the browser). The page removes it from the address bar
  // at once and trades it, with the HttpOnly cookie that binds it to this browser, for the account.
  const CALLBACK_ERRORS = {
    denied: 'You did not authorize the app on X.',
    expired: 'This login expired or was already used; start again.',
    rate_limited: 'Too many logins right now; try again later.',
    invalid_token: 'X refused this login; start again.'
  };

  async function finishCallbackLogin() {
    const hash = location.hash;
    if (!hash.startsWith('#login=') && !hash.startsWith('#login_error=')) {
      return;
    }
    history.replaceState(null, '', location.pathname + location.search);
    if (hash.startsWith('#login_error=')) {
      const code = hash.slice('#login_error='.length);
      showError(CALLBACK_ERRORS[code] || 'The login did not complete; start again.');
      return;
    }
    $('status').textContent = 'Finishing the login…';
    try {
      const response = await fetch('/login/result', {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'text/plain' }, body: hash.slice('#login='.length)
      });
      const reply = await response.json();
      if (reply.status !== 'verified') {
        showError(failure(reply));
        return;
      }
      showAccount(reply);
    } catch (e) {
      showError('The login did not complete; start again.');
    }
  }

  if (document.body.dataset.callback === 'on') {
    $('redirect-option').hidden = false;
  }
  finishCallbackLogin();

  $('connect').addEventListener('click', async () => {
    clearError();
    $('connect').disabled = true;
    $('status').textContent = 'Asking X for a login link…';
    try {
      const reply = await call({ command: 'auth' });
      if (reply.status !== 'auth_started') {
        showError(failure(reply));
        return;
      }
      requestToken = { token: reply.request_token, secret: reply.request_token_secret };
      $('authorize-link').href = reply.authorize_url;
      $('authorize').hidden = false;
      $('step-2').hidden = false;
      $('status').textContent = 'Authorize the app on X, then type the PIN here.';
      window.open(reply.authorize_url, '_blank', 'noopener');
      $('pin').focus();
    } catch (e) {
      showError(e.message);
    } finally {
      $('connect').disabled = false;
    }
  });

  $('pin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    if (!requestToken) {
      showError('Start with "Connect an X account".');
      return;
    }
    $('verify').disabled = true;
    $('status').textContent = 'Checking the PIN…';
    try {
      const reply = await call({
        command: 'verify_pin',
        pin: $('pin').value.trim(),
        request_token: requestToken.token,
        request_token_secret: requestToken.secret
      });
      if (reply.status !== 'verified') {
        showError(failure(reply));
        return;
      }
      showAccount(reply);
      requestToken = null;
    } catch (e) {
      showError(e.message);
    } finally {
      $('verify').disabled = false;
    }
  });

  $('reveal').addEventListener('click', () => {
    const show = $('reveal').getAttribute('aria-pressed') !== 'true';
    for (const id of ['access-token', 'access-token-secret']) {
      const value = $(id).dataset.secret;
      $(id).textContent = show ? value : mask(value);
    }
    $('reveal').setAttribute('aria-pressed', String(show));
    $('reveal').textContent = show ? 'Hide tokens' : 'Reveal tokens';
  });
})();
