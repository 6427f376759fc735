// The local demo: plays the main server. Plain JavaScript, no build step.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { gateway: null, sandbox: false, requestToken: null, user: null, nextReply: 0, counter: 0 };

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
  }

  // One request per WebSocket connection, in the gateway's JSON frames.
  function gatewayCall(request) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(state.gateway);
      const timer = setTimeout(() => { ws.close(); reject(new Error('The gateway did not answer in time.')); }, 20000);
      ws.onopen = () => ws.send(JSON.stringify(Object.assign({ id: String(++state.counter) }, request)));
      ws.onmessage = (e) => { clearTimeout(timer); ws.close(1000); resolve(JSON.parse(e.data)); };
      ws.onerror = () => { clearTimeout(timer); reject(new Error('Cannot reach the gateway at ' + state.gateway)); };
    });
  }

  $('connect').addEventListener('click', async () => {
    clearError();
    try {
      const reply = await gatewayCall({ command: 'auth' });
      if (reply.status !== 'auth_started') {
        showError(reply.error ? reply.error.message : 'The login could not start.');
        return;
      }
      state.requestToken = { token: reply.request_token, secret: reply.request_token_secret };
      $('authorize-link').href = reply.authorize_url;
      $('authorize').hidden = false;
      $('pin-form').hidden = false;
      window.open(reply.authorize_url, '_blank', 'noopener');
    } catch (e) {
      showError(e.message);
    }
  });

  $('pin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    try {
      const reply = await gatewayCall({ command: 'verify_pin', pin: $('pin').value.trim(),
        request_token: state.requestToken.token, request_token_secret: state.requestToken.secret });
      if (reply.status !== 'verified') {
        showError(reply.error ? reply.error.message : 'The PIN was not accepted.');
        return;
      }
      state.user = { token: reply.access_token, secret: reply.access_token_secret, name: reply.screen_name };
      $('screen-name').textContent = reply.screen_name;
      $('account').hidden = false;
      $('pin-form').hidden = true;
      $('authorize').hidden = true;
      $('send').disabled = false;
    } catch (e) {
      showError(e.message);
    }
  });

  $('text').addEventListener('input', () => { $('count').textContent = String($('text').value.length); });

  function format() {
    return $('format-json').checked ? 'json' : 'legacy';
  }

  function renderAlts() {
    const alts = $('alts');
    alts.textContent = '';
    if (format() !== 'json') {
      return;
    }
    Array.from($('images').files).slice(0, 4).forEach((file, i) => {
      const label = document.createElement('label');
      label.textContent = 'Alt text for ' + file.name + ' ';
      const input = document.createElement('input');
      input.id = 'alt-' + i;
      input.maxLength = 1000;
      label.appendChild(input);
      alts.appendChild(label);
    });
  }
  $('images').addEventListener('change', renderAlts);
  $('format-json').addEventListener('change', renderAlts);
  $('format-legacy').addEventListener('change', renderAlts);

  function readBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(',')[1]);
      reader.onerror = () => reject(new Error('Cannot read ' + file.name));
      reader.readAsDataURL(file);
    });
  }

  $('post-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    if (!state.user) {
      showError('Connect an X account first.');
      return;
    }
    const files = Array.from($('images').files).slice(0, 4);
    const images = [];
    for (let i = 0; i < files.length; i++) {
      const alt = $('alt-' + i);
      images.push({ data: await readBase64(files[i]), alt_text: alt ? alt.value : '' });
    }
    const response = await fetch('/api/posts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ format: format(), access_token: state.user.token, access_token_secret: state.user.secret,
        text: $('text').value, images })
    });
    const body = await response.json();
    if (!response.ok) {
      showError(body.error || 'The post was not sent.');
      return;
    }
    $('sent').textContent = 'Sent request ' + body.id + ' (' + body.format + '): ' + body.sent;
    $('text').value = '';
    $('images').value = '';
    renderAlts();
  });

  function describe(reply) {
    if (reply.format === 'json') {
      const r = JSON.parse(reply.body);
      return r.id + ': ' + (r.status === 'posted'
        ? 'posted' + (r.tweet_url ? ' ' + r.tweet_url : ' (by an earlier attempt)')
        : 'failed: ' + r.error.code + ' — ' + r.error.message);
    }
    const f = reply.body.split('\u00FF');
    return f[0] + ': ' + (f[3] === '0' ? 'posted' : f.slice(3).join(' ')) + ' [' + f.join(' ÿ ') + ']';
  }

  async function poll() {
    try {
      const r = await (await fetch('/api/replies?since=' + state.nextReply)).json();
      for (const reply of r.replies) {
        const li = document.createElement('li');
        li.textContent = describe(reply);
        li.className = reply.format;
        $('replies').appendChild(li);
      }
      state.nextReply = r.next;
      if (state.sandbox) {
        const t = await (await fetch('/api/timeline')).json();
        const list = $('timeline');
        list.textContent = '';
        for (const post of t.posts.slice().reverse()) {
          const li = document.createElement('li');
          const alts = post.media.map((m) => m.alt_text || 'no alt text');
          li.textContent = '@' + post.author + ': ' + post.text
            + (post.media.length ? ' [' + post.media.length + ' image(s): ' + alts.join('; ') + ']' : '');
          list.appendChild(li);
        }
      }
    } catch (e) {
      // the stack is stopping; try again later
    }
  }

  fetch('/api/config').then((r) => r.json()).then((config) => {
    state.gateway = config.gateway;
    state.sandbox = config.sandbox;
    $('timeline-section').hidden = !config.sandbox;
    setInterval(poll, 700);
  });
})();
