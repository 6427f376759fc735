// The local demo: plays the main server. Plain JavaScript, no build step.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_IMAGES = { json: 4, legacy: 1 };
  // How long Send waits for the worker's reply before it lets a person send again.
  const REPLY_WAIT_MS = 60000;
  const state = { gateway: null, sandbox: false, requestToken: null, user: null, nextReply: 0, counter: 0,
    images: [], pending: null, answered: new Map(), polling: false, countSeq: 0, countTimer: null };

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
    if (button.dataset.label) {
      button.textContent = button.dataset.label;
    }
    button.disabled = false;
    button.removeAttribute('aria-busy');
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
    const button = $('connect');
    if (button.disabled) {
      return;
    }
    clearError('connect-error');
    busy(button, 'Connecting…');
    try {
      const reply = await gatewayCall({ command: 'auth' });
      if (reply.status !== 'auth_started') {
        showError('connect-error', reply.error ? reply.error.message : 'The login could not start.');
        return;
      }
      state.requestToken = { token: reply.request_token, secret: reply.request_token_secret };
      $('authorize-link').href = reply.authorize_url;
      $('authorize').hidden = false;
      $('pin-form').hidden = false;
      window.open(reply.authorize_url, '_blank', 'noopener');
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
    const pin = $('pin').value.trim();
    if (!pin) {
      showError('pin-error', 'Type the PIN the authorization page shows.');
      return;
    }
    busy(button, 'Verifying…');
    try {
      const reply = await gatewayCall({ command: 'verify_pin', pin,
        request_token: state.requestToken.token, request_token_secret: state.requestToken.secret });
      if (reply.status !== 'verified') {
        showError('pin-error', sentence(reply.error ? reply.error.message : 'The PIN was not accepted')
          + ' Check the PIN, or click “Connect an X account” again for a new one.');
        return;
      }
      state.user = { token: reply.access_token, secret: reply.access_token_secret, name: reply.screen_name };
      $('screen-name').textContent = reply.screen_name;
      $('account').hidden = false;
      $('pin-form').hidden = true;
      $('authorize').hidden = true;
      $('send').disabled = false;
      $('connect').textContent = 'Connect another account';
    } catch (e) {
      showError('pin-error', e.message);
    } finally {
      idle(button);
      if (!state.user) {
        $('send').disabled = true;
      }
    }
  });

  // The counter asks the demo server, which counts with the worker's own TextCheck: exactly as X counts.
  function showCount(weighted, max) {
    $('count').textContent = String(weighted);
    $('limit').textContent = String(max);
    const over = weighted - max;
    $('counter').classList.toggle('over', over > 0);
    $('count-over').hidden = over <= 0;
    $('count-over').textContent = over > 0 ? ' — ⚠ ' + over + ' over the limit: X will refuse this post' : '';
  }

  async function updateCount() {
    const seq = ++state.countSeq;
    if (!$('text').value) {
      showCount(0, Number($('limit').textContent));
      return;
    }
    try {
      const response = await fetch('/api/count', { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: $('text').value });
      const body = await response.json();
      if (seq !== state.countSeq || !response.ok) {
        return;
      }
      showCount(body.weighted, body.max);
    } catch (e) {
      // the stack is stopping; the next keystroke tries again
    }
  }

  $('text').addEventListener('input', () => {
    clearTimeout(state.countTimer);
    state.countTimer = setTimeout(updateCount, 150);
  });

  function format() {
    return $('format-json').checked ? 'json' : 'legacy';
  }

  // The attached images, each with its alt text (JSON) and a Remove button.
  function renderImages() {
    const list = $('attached');
    list.textContent = '';
    const json = format() === 'json';
    $('images-limit').textContent = json ? '(JSON: up to 4 images)' : '(legacy: one image)';
    state.images.forEach((image, i) => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = image.file.name + ' ';
      li.appendChild(name);
      if (json) {
        const label = document.createElement('label');
        label.textContent = 'Alt text ';
        const input = document.createElement('input');
        input.id = 'alt-' + i;
        input.maxLength = 1000;
        input.value = image.alt;
        input.addEventListener('input', () => { image.alt = input.value; });
        label.appendChild(input);
        li.appendChild(label);
      }
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'secondary';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', 'Remove ' + image.file.name);
      remove.addEventListener('click', () => {
        state.images.splice(i, 1);
        renderImages();
        checkImageCount();
      });
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  // True when the attached images fit the format; otherwise says so next to the images.
  function checkImageCount() {
    const max = MAX_IMAGES[format()];
    if (state.images.length > max) {
      showError('images-error', format() === 'legacy'
        ? 'The legacy format takes one image; ' + state.images.length + ' are attached. Remove '
          + (state.images.length - 1) + ', or choose JSON.'
        : 'A post takes at most 4 images; remove ' + (state.images.length - max) + '.');
      return false;
    }
    clearError('images-error');
    return true;
  }

  $('images').addEventListener('change', () => {
    const max = MAX_IMAGES[format()];
    const chosen = Array.from($('images').files);
    const room = Math.max(0, max - state.images.length);
    chosen.slice(0, room).forEach((file) => state.images.push({ file, alt: '' }));
    const refused = chosen.slice(room);
    $('images').value = '';
    renderImages();
    if (refused.length) {
      showError('images-error', 'Not attached: ' + refused.map((f) => f.name).join(', ') + '. '
        + (format() === 'legacy' ? 'The legacy format takes one image; choose JSON for up to 4.'
          : 'A post takes at most 4 images.'));
    } else {
      checkImageCount();
    }
  });
  $('format-json').addEventListener('change', () => { renderImages(); checkImageCount(); });
  $('format-legacy').addEventListener('change', () => { renderImages(); checkImageCount(); });

  function readBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(',')[1]);
      reader.onerror = () => reject(new Error('Cannot read ' + file.name));
      reader.readAsDataURL(file);
    });
  }

  // Send stays disabled until the worker's reply to this request arrives (or REPLY_WAIT_MS pass); the text and the
  // images stay until the post is on X.
  function finishPending() {
    if (state.pending) {
      clearTimeout(state.pending.timer);
      state.pending = null;
    }
    idle($('send'));
  }

  $('post-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const send = $('send');
    if (state.pending || send.disabled) {
      return;
    }
    clearError('send-error');
    if (!state.user) {
      showError('send-error', 'Connect an X account first.');
      return;
    }
    if (!checkImageCount()) {
      showError('send-error', 'Not sent: too many images for the ' + format() + ' format.');
      return;
    }
    if (!$('text').value.trim() && !state.images.length) {
      showError('send-error', 'Write a text or attach an image.');
      return;
    }
    state.pending = { id: null, timer: null };
    busy(send, 'Sending…');
    $('sent').textContent = '';
    try {
      const images = [];
      for (const image of state.images) {
        images.push({ data: await readBase64(image.file), alt_text: format() === 'json' ? image.alt : '' });
      }
      const response = await fetch('/api/posts', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ format: format(), access_token: state.user.token, access_token_secret: state.user.secret,
          text: $('text').value, images })
      });
      const body = await response.json();
      if (!response.ok) {
        showError('send-error', 'Not sent: ' + (body.error || 'the demo server refused it') + '.');
        finishPending();
        return;
      }
      state.pending.id = body.id;
      state.pending.summary = body.summary;
      state.pending.timer = setTimeout(() => {
        showError('send-error', 'No reply to request ' + body.id + ' after ' + REPLY_WAIT_MS / 1000
          + ' s (is the worker running?). Your text is kept; it may still be posted.');
        finishPending();
      }, REPLY_WAIT_MS);
      send.textContent = 'Waiting for the reply…';
      $('sent').textContent = 'Sent request ' + body.id + ': ' + body.summary + '. Waiting for the reply…';
      settle();
    } catch (e) {
      showError('send-error', 'Not sent: ' + e.message);
      finishPending();
    }
  });

  // {id, ok, text, raw}: what a reply says, for a person.
  function describe(reply) {
    if (reply.format === 'json') {
      const r = JSON.parse(reply.body);
      const ok = r.status === 'posted';
      return { id: r.id, ok, raw: null, text: ok
        ? 'request ' + r.id + ' is on X' + (r.tweet_url ? ': ' + r.tweet_url : ' (posted by an earlier attempt)')
        : 'request ' + r.id + ': ' + r.error.code + ' — ' + r.error.message };
    }
    const f = reply.body.split('\u00FF');
    const ok = f[3] === '0';
    return { id: f[0], ok, raw: f.join(' ÿ '), text: ok
      ? 'request ' + f[0] + ' is on X'
      : 'request ' + f[0] + ': ' + f.slice(3).join(' ')
        + (f[3] === 'exception_occurred' ? ' (a legacy reply gives no reason; a JSON reply does)' : '') };
  }

  function showReply(reply) {
    const d = describe(reply);
    const li = document.createElement('li');
    li.className = reply.format + (d.ok ? ' ok' : ' failed');
    const what = document.createElement('strong');
    what.textContent = d.ok ? '✓ Posted' : '✗ Failed';
    li.appendChild(what);
    li.appendChild(document.createTextNode(' — ' + d.text + ' (' + reply.format + ')'));
    if (d.raw) {
      const raw = document.createElement('code');
      raw.textContent = d.raw;
      li.appendChild(document.createTextNode(' '));
      li.appendChild(raw);
    }
    $('replies').appendChild(li);
    $('live').textContent = (d.ok ? 'Posted: ' : 'Failed: ') + d.text;
    state.answered.set(d.id, d);
    settle();
  }

  // When the reply to the pending request is in (it may come before the demo server's answer to the browser).
  function settle() {
    const d = state.pending && state.pending.id ? state.answered.get(state.pending.id) : null;
    if (!d) {
      return;
    }
    if (d.ok) {
      $('text').value = '';
      state.images = [];
      renderImages();
      updateCount();
      $('sent').textContent = 'Request ' + d.id + ' is posted. It was a ' + state.pending.summary + '.';
    } else {
      $('sent').textContent = '';
      showError('send-error', 'Request ' + d.id + ' failed: ' + d.text.replace(/^request \S+: /, '')
        + '. Your text is kept: change it and send again.');
    }
    finishPending();
  }

  async function poll() {
    if (state.polling) {
      return;
    }
    state.polling = true;
    try {
      const r = await (await fetch('/api/replies?since=' + state.nextReply)).json();
      r.replies.forEach(showReply);
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
    } finally {
      state.polling = false;
    }
  }

  fetch('/api/config').then((r) => r.json()).then((config) => {
    state.gateway = config.gateway;
    state.sandbox = config.sandbox;
    $('timeline-section').hidden = !config.sandbox;
    renderImages();
    setInterval(poll, 700);
  });
})();
