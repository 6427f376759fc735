// The local demo: plays the main server. Plain JavaScript, no build step.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_IMAGES = { json: 4, legacy: 1 };
  // How long Send waits for the worker's reply before it lets a person send again.
  const REPLY_WAIT_MS = 60000;
  const state = { gateway: null, sandbox: false, login: null, user: null, nextReply: 0, counter: 0,
    parts: [newPart()], replyTo: null, maxVideo: 15 * 1048576, maxPosts: 25, pending: null, answered: new Map(),
    videoPosts: new Set(), polling: false };

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

  // One request per WebSocket connection, in the gateway's JSON frames, as the gateway's own page sends them: a request
  // cut by a restarting gateway (close 1001, or 1006 when it went without a close frame, or could not be reached) is
  // sent again on a new connection, a few times, with the button saying so; any other close is the error shown.
  async function gatewayCall(request, button) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await gatewayOnce(request);
      } catch (e) {
        if (!e.retry || attempt >= 6) {
          throw e;
        }
        button.textContent = 'Reconnecting…';
        $('live').textContent = 'The gateway is restarting; reconnecting…';
        await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 250 * 2 ** attempt)));
      }
    }
  }

  function gatewayOnce(request) {
    return new Promise((resolve, reject) => {
      let answered = false;
      const fail = (message, retry) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(message), { retry: retry }));
      };
      const ws = new WebSocket(state.gateway);
      const timer = setTimeout(() => { ws.close(); fail('The gateway did not answer in time.', false); }, 20000);
      ws.onopen = () => ws.send(JSON.stringify(Object.assign({ id: String(++state.counter) }, request)));
      ws.onmessage = (e) => {
        answered = true;
        clearTimeout(timer);
        ws.close(1000);
        try {
          resolve(JSON.parse(e.data));
        } catch (err) {
          reject(new Error('The gateway answered something unexpected.'));
        }
      };
      ws.onclose = (e) => {
        if (answered) {
          return;
        }
        if (e.code === 1001 || e.code === 1006) {
          fail('Cannot reach the gateway at ' + state.gateway, true);
        } else {
          fail('The gateway closed the connection (' + e.code + (e.reason ? ': ' + e.reason : '') + ').', false);
        }
      };
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
      const reply = await gatewayCall({ command: 'auth' }, button);
      if (reply.status !== 'auth_started') {
        showError('connect-error', reply.error ? reply.error.message : 'The login could not start.');
        return;
      }
      // A PIN belongs to the request token of the page that showed it; which page a typed PIN came from is not known:
      // a newer Connect replaces the login waiting for its PIN, and the page says so next to the PIN field.
      const replaced = state.login !== null;
      state.login = { token: reply.request_token, secret: reply.request_token_secret, replaced };
      $('authorize-link').href = reply.authorize_url;
      $('authorize').hidden = false;
      $('pin-form').hidden = false;
      clearError('pin-error');
      $('pin-note').hidden = !replaced;
      $('pin-note').textContent = replaced ? 'A newer login replaced the earlier one: type the PIN from the authorization'
        + ' page opened last. A PIN from an earlier page no longer works here.' : '';
      if (replaced) {
        $('pin').value = '';
        $('pin-note').scrollIntoView({ block: 'nearest' });
      }
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
    const login = state.login;
    busy(button, 'Verifying…');
    try {
      const reply = await gatewayCall({ command: 'verify_pin', pin,
        request_token: login.token, request_token_secret: login.secret }, button);
      if (reply.status !== 'verified') {
        $('pin-note').hidden = true;
        showError('pin-error', sentence(reply.error ? reply.error.message : 'The PIN was not accepted') + (login.replaced
          ? ' A newer login replaced the earlier one: use the PIN from the authorization page opened last,'
          : ' Check the PIN,') + ' or click “Connect an X account” again for a new one.');
        return;
      }
      if (state.login === login) {
        state.login = null;
      }
      $('pin-note').hidden = true;
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

  // The composer: one post, or a thread of several (JSON only). Part 0's controls have plain ids (text, images,
  // video, …), part i's the suffix -(i+1) (text-2, images-2, …).
  const sfx = (i) => (i === 0 ? '' : '-' + (i + 1));

  function newPart() {
    return { text: '', images: [], video: null, weighted: 0, max: 280 };
  }

  function format() {
    return $('format-json').checked ? 'json' : 'legacy';
  }

  // As the demo server writes sizes: 404 bytes, 66 KB, 15.0 MB (of 1,048,576 bytes).
  function sizeText(bytes) {
    return bytes < 10000 ? bytes + ' bytes' : bytes < 1048576 ? Math.round(bytes / 1024) + ' KB' : (bytes / 1048576).toFixed(1) + ' MB';
  }

  function element(tag, props, children) {
    const el = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (k === 'text') {
        el.textContent = v;
      } else if (k.startsWith('aria-') || k === 'for' || k === 'role') {
        el.setAttribute(k, v);
      } else {
        el[k] = v;
      }
    });
    (children || []).forEach((c) => el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c));
    return el;
  }

  // The counter asks the demo server, which counts with the worker's own TextCheck: exactly as X counts.
  function showCount(i) {
    const part = state.parts[i];
    const s = sfx(i);
    if (!$('count' + s)) {
      return;
    }
    $('count' + s).textContent = String(part.weighted);
    $('limit' + s).textContent = String(part.max);
    const over = part.weighted - part.max;
    $('counter' + s).classList.toggle('over', over > 0);
    $('count-over' + s).hidden = over <= 0;
    $('count-over' + s).textContent = over > 0 ? ' — ⚠ ' + over + ' over the limit: X will refuse this post' : '';
  }

  async function updateCount(part) {
    const seq = part.countSeq = (part.countSeq || 0) + 1;
    if (!part.text) {
      part.weighted = 0;
      showCount(state.parts.indexOf(part));
      return;
    }
    try {
      const response = await fetch('/api/count', { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: part.text });
      const body = await response.json();
      if (seq !== part.countSeq || !response.ok || state.parts.indexOf(part) < 0) {
        return;
      }
      part.weighted = body.weighted;
      part.max = body.max;
      showCount(state.parts.indexOf(part));
    } catch (e) {
      // the stack is stopping; the next keystroke tries again
    }
  }

  // One post's controls: text and counter, images (with alt text in JSON), a video (JSON), Remove (in a thread).
  function renderPart(part, i) {
    const s = sfx(i);
    const json = format() === 'json';
    const many = state.parts.length > 1;
    const fieldset = element('fieldset', { className: 'part', id: 'part' + s }, [
      element('legend', { text: many ? 'Post ' + (i + 1) + ' of ' + state.parts.length : 'Post' })]);
    const text = element('textarea', { id: 'text' + s, rows: 3, maxLength: 25000, value: part.text, 'aria-describedby': 'counter' + s });
    text.addEventListener('input', () => {
      part.text = text.value;
      clearTimeout(part.countTimer);
      part.countTimer = setTimeout(() => updateCount(part), 150);
    });
    fieldset.append(element('label', { for: 'text' + s, text: 'Text' }), text,
      element('p', { id: 'counter' + s, className: 'hint counter' }, [element('span', { id: 'count' + s, text: '0' }), ' / ',
        element('span', { id: 'limit' + s, text: '280' }), ' characters as X counts them (a link counts 23, CJK and emoji 2)',
        element('span', { id: 'count-over' + s, hidden: true })]));

    // The legacy format takes one image: its picker takes one file.
    const images = element('input', { id: 'images' + s, type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp',
      multiple: json, 'aria-describedby': 'images-error' + s });
    images.addEventListener('change', () => attachImages(part, images));
    fieldset.append(element('label', { for: 'images' + s }, ['Images ',
      element('span', { id: 'images-limit' + s, className: 'hint', text: json ? '(JSON: up to 4 images)' : '(legacy: one image)' })]),
    images, element('p', { id: 'images-error' + s, className: 'error', role: 'alert', hidden: true }),
    element('ul', { id: 'attached' + s, className: 'attached', 'aria-label': 'Attached images' }));

    const video = element('input', { id: 'video' + s, type: 'file', accept: 'video/mp4,.mp4', disabled: !json,
      'aria-describedby': 'video-hint' + s + ' video-error' + s });
    video.addEventListener('change', () => attachVideo(part, video));
    fieldset.append(element('label', { for: 'video' + s }, ['Video ',
      element('span', { id: 'video-hint' + s, className: 'hint', text: json
        ? '(one MP4, H.264/AAC, alone in its post, up to ' + sizeText(state.maxVideo) + ')'
        : '(JSON only: choose JSON to attach a video)' })]),
    video, element('p', { id: 'video-error' + s, className: 'error', role: 'alert', hidden: true }),
    element('ul', { id: 'video-attached' + s, className: 'attached', 'aria-label': 'Attached video' }));

    if (many) {
      const remove = element('button', { type: 'button', className: 'secondary', id: 'remove-part' + s, text: 'Remove post ' + (i + 1) });
      remove.addEventListener('click', () => {
        state.parts.splice(state.parts.indexOf(part), 1);
        renderParts();
        checkFormat();
        $('add-part').focus();
      });
      fieldset.appendChild(element('p', {}, [remove]));
    }
    return fieldset;
  }

  function renderParts() {
    const box = $('parts');
    box.textContent = '';
    state.parts.forEach((part, i) => {
      box.appendChild(renderPart(part, i));
      renderImages(part);
      renderVideo(part);
      showCount(i);
    });
    const json = format() === 'json';
    $('add-part').disabled = !json || state.parts.length >= state.maxPosts;
    $('add-part-hint').textContent = !json ? 'Threads and videos go in the JSON format only: choose JSON.'
      : state.parts.length >= state.maxPosts ? 'A thread has at most ' + state.maxPosts + ' posts.'
        : 'Each post of a thread replies to the one before; every post needs text.';
  }

  $('add-part').addEventListener('click', () => {
    state.parts.push(newPart());
    renderParts();
    $('text' + sfx(state.parts.length - 1)).focus();
  });

  $('continues-stop').addEventListener('click', () => {
    state.replyTo = null;
    $('continues').hidden = true;
  });

  // The attached images, each with its alt text (JSON) and a Remove button.
  function renderImages(part) {
    const i = state.parts.indexOf(part);
    const s = sfx(i);
    const list = $('attached' + s);
    list.textContent = '';
    const json = format() === 'json';
    part.images.forEach((image, j) => {
      const li = element('li', {}, [element('span', { text: image.file.name + ' ' })]);
      if (json) {
        const input = element('input', { id: 'alt' + s + '-' + j, maxLength: 1000, value: image.alt });
        input.addEventListener('input', () => { image.alt = input.value; });
        li.appendChild(element('label', {}, ['Alt text ', input]));
      }
      const remove = element('button', { type: 'button', className: 'secondary', text: 'Remove', 'aria-label': 'Remove ' + image.file.name });
      remove.addEventListener('click', () => {
        part.images.splice(j, 1);
        renderImages(part);
        checkImageCount(part);
      });
      li.appendChild(remove);
      list.appendChild(li);
    });
  }

  function renderVideo(part) {
    const s = sfx(state.parts.indexOf(part));
    const list = $('video-attached' + s);
    list.textContent = '';
    if (!part.video) {
      return;
    }
    const remove = element('button', { type: 'button', className: 'secondary', text: 'Remove', 'aria-label': 'Remove ' + part.video.name });
    remove.addEventListener('click', () => {
      part.video = null;
      renderVideo(part);
      checkFormat();
    });
    list.appendChild(element('li', {}, [element('span', { text: part.video.name + ' (' + sizeText(part.video.size) + ', MP4) ' }), remove]));
  }

  // True when the attached images fit the format; otherwise says so next to the images.
  function checkImageCount(part) {
    const s = sfx(state.parts.indexOf(part));
    const max = MAX_IMAGES[format()];
    if (part.images.length > max) {
      showError('images-error' + s, format() === 'legacy'
        ? 'The legacy format takes one image; ' + part.images.length + ' are attached. Remove '
          + (part.images.length - 1) + ', or choose JSON.'
        : 'A post takes at most 4 images; remove ' + (part.images.length - max) + '.');
      return false;
    }
    clearError('images-error' + s);
    return true;
  }

  // True when the composer fits the format: the legacy format carries one post without video.
  function checkFormat() {
    const videos = state.parts.filter((p) => p.video).length;
    if (format() === 'legacy' && (state.parts.length > 1 || videos || state.replyTo)) {
      const what = [];
      if (state.parts.length > 1) {
        what.push(state.parts.length === 2 ? 'remove post 2' : 'remove posts 2–' + state.parts.length);
      }
      if (videos) {
        what.push('remove the video');
      }
      if (state.replyTo) {
        what.push('start a new thread');
      }
      showError('format-error', 'The legacy format carries one post, without video: ' + what.join(' and ') + ', or choose JSON.');
      return false;
    }
    clearError('format-error');
    return true;
  }

  function attachImages(part, input) {
    const s = sfx(state.parts.indexOf(part));
    const chosen = Array.from(input.files);
    input.value = '';
    if (part.video && chosen.length) {
      showError('images-error' + s, 'Not attached: ' + chosen.map((f) => f.name).join(', ')
        + '. A video is the only media of its post: remove the video first, or put the images in another post.');
      return;
    }
    const max = MAX_IMAGES[format()];
    const room = Math.max(0, max - part.images.length);
    chosen.slice(0, room).forEach((file) => part.images.push({ file, alt: '' }));
    const refused = chosen.slice(room);
    renderImages(part);
    if (refused.length) {
      showError('images-error' + s, 'Not attached: ' + refused.map((f) => f.name).join(', ') + '. '
        + (format() === 'legacy' ? 'The legacy format takes one image; choose JSON for up to 4.'
          : 'A post takes at most 4 images.'));
    } else {
      checkImageCount(part);
    }
  }

  // An MP4 (its bytes say so: "ftyp" at offset 4, as the worker checks), small enough to go inline, alone in its post.
  async function attachVideo(part, input) {
    const s = sfx(state.parts.indexOf(part));
    const file = input.files[0];
    input.value = '';
    if (!file) {
      return;
    }
    clearError('video-error' + s);
    if (part.images.length) {
      showError('video-error' + s, 'Not attached: ' + file.name + '. A video is the only media of its post: remove the '
        + (part.images.length === 1 ? 'image' : part.images.length + ' images') + ' first, or put the video in another post.');
      return;
    }
    if (file.size > state.maxVideo) {
      showError('video-error' + s, 'Not attached: ' + file.name + ' is ' + sizeText(file.size) + '; a video sent inline may take '
        + sizeText(state.maxVideo) + ' (the JSON message carries 21 MB, base64 adds a third).');
      return;
    }
    let head;
    try {
      head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
    } catch (e) {
      showError('video-error' + s, 'Cannot read ' + file.name + '.');
      return;
    }
    if (String.fromCharCode(...head.slice(4, 8)) !== 'ftyp') {
      showError('video-error' + s, 'Not attached: ' + file.name + ' is not an MP4 video (X takes MP4 with H.264 video and AAC audio).');
      return;
    }
    part.video = file;
    renderVideo(part);
  }

  function formatChanged() {
    renderParts();
    state.parts.forEach(checkImageCount);
    checkFormat();
  }
  $('format-json').addEventListener('change', formatChanged);
  $('format-legacy').addEventListener('change', formatChanged);

  function readBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(',')[1]);
      reader.onerror = () => reject(new Error('Cannot read ' + file.name));
      reader.readAsDataURL(file);
    });
  }

  // Send stays disabled until the worker's reply to this request arrives (or REPLY_WAIT_MS pass); the text and the
  // media stay until the posts are on X.
  function finishPending() {
    if (state.pending) {
      clearTimeout(state.pending.timer);
      state.pending = null;
    }
    idle($('send'));
  }

  // Why the composer cannot be sent as it is, or null.
  function refusal() {
    if (!state.user) {
      return 'Connect an X account first.';
    }
    if (!state.parts.every(checkImageCount)) {
      return 'Not sent: too many images for the ' + format() + ' format.';
    }
    if (!checkFormat()) {
      return 'Not sent: the legacy format carries one post, without video; choose JSON.';
    }
    if (state.parts.length > 1) {
      const blank = state.parts.findIndex((p) => !p.text.trim());
      if (blank >= 0) {
        return 'Not sent: post ' + (blank + 1) + ' of the thread has no text; every post of a thread needs one.';
      }
    } else if (!state.parts[0].text.trim() && !state.parts[0].images.length && !state.parts[0].video) {
      return 'Write a text or attach an image or a video.';
    }
    const inline = state.parts.reduce((sum, p) => sum + (p.video ? p.video.size : 0)
      + p.images.reduce((n, image) => n + image.file.size, 0), 0);
    if (format() === 'json' && inline > state.maxVideo) {
      return 'Not sent: the media take ' + sizeText(inline) + ' together; one request carries at most '
        + sizeText(state.maxVideo) + ' inline (the JSON message carries 21 MB, base64 adds a third).';
    }
    return null;
  }

  $('post-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const send = $('send');
    if (state.pending || send.disabled) {
      return;
    }
    clearError('send-error');
    const refused = refusal();
    if (refused) {
      showError('send-error', refused);
      return;
    }
    state.pending = { id: null, timer: null, parts: state.parts.slice() };
    busy(send, 'Sending…');
    $('sent').textContent = '';
    try {
      const json = format() === 'json';
      const posts = [];
      for (const part of state.parts) {
        const post = { text: part.text, images: [] };
        for (const image of part.images) {
          post.images.push({ data: await readBase64(image.file), alt_text: json ? image.alt : '' });
        }
        if (part.video) {
          post.video = { data: await readBase64(part.video) };
        }
        posts.push(post);
      }
      const request = { format: format(), access_token: state.user.token, access_token_secret: state.user.secret, posts };
      if (state.replyTo) {
        request.reply_to_tweet_id = state.replyTo.id;
      }
      const response = await fetch('/api/posts', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request)
      });
      let body;
      try {
        body = await response.json();
      } catch (e) {
        body = { error: 'the demo server answered HTTP ' + response.status + (response.status === 413 ? ' (too large)' : '') };
      }
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

  // {id, ok, text, raw, parts}: what a reply says, for a person. A thread's reply has one entry per post.
  function describe(reply) {
    if (reply.format === 'json') {
      const r = JSON.parse(reply.body);
      const ok = r.status === 'posted';
      if (Array.isArray(r.posts)) {
        const on = r.posts.filter((p) => p.status === 'posted').length;
        const parts = r.posts.map((p, i) => ({ ok: p.status === 'posted', url: p.tweet_url || null, id: p.tweet_id || null,
          text: p.status === 'posted' ? (p.tweet_url ? 'on X: ' : 'on X (posted by an earlier attempt, its id unknown)')
            : p.status === 'failed' ? 'failed: ' + r.error.code + ' — ' + r.error.message
              : 'not sent (post ' + i + ' is not on X)' }));
        return { id: r.id, ok, raw: null, parts, error: r.error || null, text: ok
          ? 'thread request ' + r.id + ': all ' + parts.length + ' posts are on X'
          : 'thread request ' + r.id + ': ' + on + ' of ' + parts.length + ' posts on X; ' + r.error.code + ' — ' + r.error.message };
      }
      return { id: r.id, ok, raw: null, url: ok ? r.tweet_url || null : null, tweetId: r.tweet_id || null, text: ok
        ? 'request ' + r.id + ' is on X' + (r.tweet_url ? ': ' : ' (posted by an earlier attempt)')
        : 'request ' + r.id + ': ' + r.error.code + ' — ' + r.error.message };
    }
    const f = reply.body.split('\u00FF');
    const ok = f[3] === '0';
    return { id: f[0], ok, raw: f.join(' ÿ '), text: ok
      ? 'request ' + f[0] + ' is on X'
      : 'request ' + f[0] + ': ' + f.slice(3).join(' ')
        + (f[3] === 'exception_occurred' ? ' (a legacy reply gives no reason; a JSON reply does)' : '') };
  }

  function link(url) {
    return element('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: url });
  }

  function showReply(reply) {
    const d = describe(reply);
    const li = element('li', { className: reply.format + (d.ok ? ' ok' : ' failed') });
    li.appendChild(element('strong', { text: d.ok ? '✓ Posted' : '✗ Failed' }));
    li.appendChild(document.createTextNode(' — ' + d.text));
    if (d.url) {
      li.appendChild(link(d.url));
    }
    li.appendChild(document.createTextNode(' (' + reply.format + ')'));
    if (d.raw) {
      li.appendChild(document.createTextNode(' '));
      li.appendChild(element('code', { text: d.raw }));
    }
    if (d.parts) {
      const list = element('ol', { className: 'parts', 'aria-label': 'Posts of thread request ' + d.id });
      d.parts.forEach((p, i) => {
        const item = element('li', { className: p.ok ? 'ok' : 'failed' }, [
          element('strong', { text: (p.ok ? '✓' : '✗') + ' Post ' + (i + 1) }), ' ' + p.text]);
        if (p.url) {
          item.appendChild(link(p.url));
        }
        list.appendChild(item);
      });
      li.appendChild(list);
    }
    $('replies').appendChild(li);
    $('live').textContent = (d.ok ? 'Posted: ' : 'Failed: ') + d.text + (d.url || '');
    state.answered.set(d.id, d);
    settle();
  }

  // When the reply to the pending request is in (it may come before the demo server's answer to the browser).
  function settle() {
    const d = state.pending && state.pending.id ? state.answered.get(state.pending.id) : null;
    if (!d) {
      return;
    }
    // The sandbox's timeline does not say which media is a video: this page remembers the posts it sent with one.
    (d.parts || [{ id: d.tweetId }]).forEach((p, i) => {
      if (p.id && state.pending.parts[i] && state.pending.parts[i].video) {
        state.videoPosts.add(p.id);
      }
    });
    if (d.ok) {
      state.parts = [newPart()];
      state.replyTo = null;
      $('continues').hidden = true;
      renderParts();
      checkFormat();
      $('sent').textContent = 'Request ' + d.id + ' is posted. It was a ' + state.pending.summary + '.';
    } else if (d.parts) {
      // The posts on X leave the composer; the rest, kept, will reply to the last of them.
      const on = d.parts.filter((p) => p.ok);
      const last = on.length ? on[on.length - 1] : null;
      const failed = d.parts.findIndex((p) => !p.ok);
      let kept = 'Your posts are kept: change them and send again.';
      if (last && last.id) {
        state.parts = state.parts.filter((part) => state.pending.parts.indexOf(part) < 0
          || state.pending.parts.indexOf(part) >= on.length);
        state.replyTo = { id: last.id, url: last.url };
        $('continues-link').href = last.url || '#';
        $('continues-link').textContent = last.url || last.id;
        $('continues').hidden = false;
        renderParts();
        kept = (on.length === 1 ? 'Post 1 is on X and left' : 'Posts 1–' + on.length + ' are on X and left')
          + ' the composer; the rest is kept and will reply to ' + (on.length === 1 ? 'it' : 'the last of them')
          + ': change it and send again.';
      }
      $('sent').textContent = '';
      showError('send-error', 'Request ' + d.id + ' failed at post ' + (failed + 1) + ' of ' + d.parts.length + ': '
        + d.error.code + ' — ' + d.error.message + '. ' + kept);
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
          // The sandbox does not say a media item's type: a video is one this page sent as a video (see settle).
          li.textContent = '@' + post.author + ': ' + post.text
            + (state.videoPosts.has(post.id) ? ' [1 video]'
              : post.media.length ? ' [' + post.media.length + ' image(s): ' + alts.join('; ') + ']' : '')
            + (post.in_reply_to ? ' (reply to ' + post.in_reply_to + ')' : '');
          list.appendChild(li);
        }
      }
    } catch (e) {
      // the stack is stopping; try again later
    } finally {
      state.polling = false;
    }
  }

  renderParts();
  fetch('/api/config').then((r) => r.json()).then((config) => {
    state.gateway = config.gateway;
    state.sandbox = config.sandbox;
    $('timeline-section').hidden = !config.sandbox;
    state.maxVideo = config.max_video_bytes;
    state.maxPosts = config.max_posts;
    renderParts();
    setInterval(poll, 700);
  });
})();
