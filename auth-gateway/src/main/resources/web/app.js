// The sample login page of twt-bridge's auth-gateway. Plain JavaScript, no build step.
// It uses the gateway's JSON frames ({"id","command":"auth"} / "verify_pin") so it can show the screen name;
// the original pages' "auth" / "verify_pin ÿ pin ÿ token ÿ secret" frames work the same way (see RPC_FORMAT.md).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  // The PIN login waiting for its PIN: { token, secret, replaced }. A PIN belongs to the request token of the X
  // window that showed it, and the page cannot tell which window a typed PIN came from: a newer Connect replaces the
  // pending login, and the page says so next to the PIN field.
  let login = null;
  let counter = 0;

  function gatewayUrl() {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
  }

  // One request on a fresh connection, as the original pages did: no step depends on an earlier connection, so a
  // request cut by a restarting gateway (close 1001, or 1006 when it went without a close frame) is sent again on a
  // new connection, which the ingress routes to a running replica: the login resumes where it was.
  async function call(request, button) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(request);
      } catch (e) {
        if (!e.retry || attempt >= 6) {
          throw e;
        }
        button.textContent = 'Reconnecting…';
        announce('The gateway is restarting; reconnecting…');
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

  // An error is shown right under the control that caused it, and scrolled into view.
  function showError(id, message) {
    const el = $(id);
    el.textContent = '⚠ ' + message;
    el.hidden = false;
    el.scrollIntoView({ block: 'nearest' });
  }

  function clearError(id) {
    $(id).hidden = true;
    $(id).textContent = '';
  }

  // Results for screen readers (the live region); errors announce themselves (role="alert").
  function announce(text) {
    $('live').textContent = text;
  }

  // "the PIN is wrong" → "The PIN is wrong."
  function sentence(message) {
    const s = String(message).trim().replace(/[.\s]+$/, '');
    return s.charAt(0).toUpperCase() + s.slice(1) + '.';
  }

  // A button that starts a request is disabled until the request ends: a double click sends once.
  function busy(button, label) {
    button.dataset.label = button.textContent;
    button.textContent = label;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }

  function idle(button) {
    button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute('aria-busy');
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
    $('result').scrollIntoView({ block: 'nearest' });
    announce('Connected as @' + reply.screen_name + '.');
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
      showError('redirect-error', CALLBACK_ERRORS[code] || 'The login did not complete; start again.');
      return;
    }
    announce('Finishing the login…');
    try {
      const response = await fetch('/login/result', {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'text/plain' }, body: hash.slice('#login='.length)
      });
      const reply = await response.json();
      if (reply.status !== 'verified') {
        showError('redirect-error', sentence(failure(reply)));
        return;
      }
      showAccount(reply);
    } catch (e) {
      showError('redirect-error', 'The login did not complete; start again.');
    }
  }

  if (document.body.dataset.callback === 'on') {
    $('redirect-option').hidden = false;
  }
  finishCallbackLogin();

  $('connect').addEventListener('click', async () => {
    const button = $('connect');
    if (button.disabled) {
      return;
    }
    clearError('connect-error');
    busy(button, 'Connecting…');
    try {
      const reply = await call({ command: 'auth' }, button);
      if (reply.status !== 'auth_started') {
        showError('connect-error', sentence(failure(reply)));
        return;
      }
      const replaced = login !== null;
      login = { token: reply.request_token, secret: reply.request_token_secret, replaced: replaced };
      $('authorize-link').href = reply.authorize_url;
      $('authorize').hidden = false;
      $('step-2').hidden = false;
      clearError('pin-error');
      $('pin-note').hidden = !replaced;
      $('pin-note').textContent = replaced ? 'A newer login replaced the earlier one: type the PIN from the X window'
        + ' opened last. A PIN from an earlier X window no longer works here.' : '';
      if (replaced) {
        $('pin').value = '';
      }
      announce('Authorize the app on X, then type the PIN here.');
      window.open(reply.authorize_url, '_blank', 'noopener');
      $('pin').focus();
      if (replaced) {
        $('pin-note').scrollIntoView({ block: 'nearest' });
      }
    } catch (e) {
      showError('connect-error', e.message);
    } finally {
      idle(button);
    }
  });

  $('pin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('verify');
    if (button.disabled) {
      return;
    }
    clearError('pin-error');
    const current = login;
    if (!current) {
      showError('pin-error', 'Start with “Connect an X account”.');
      return;
    }
    busy(button, 'Verifying…');
    try {
      const reply = await call({
        command: 'verify_pin',
        pin: $('pin').value.trim(),
        request_token: current.token,
        request_token_secret: current.secret
      }, button);
      if (reply.status !== 'verified') {
        $('pin-note').hidden = true;
        showError('pin-error', sentence(failure(reply)) + (current.replaced
          ? ' A newer login replaced the earlier one: use the PIN from the X window opened last,'
          : ' Check the PIN,') + ' or click “Connect an X account” again for a new one.');
        return;
      }
      if (login === current) {
        login = null;
      }
      $('pin-note').hidden = true;
      showAccount(reply);
    } catch (e) {
      showError('pin-error', e.message);
    } finally {
      idle(button);
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
