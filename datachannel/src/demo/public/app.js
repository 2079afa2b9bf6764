// tsrtc demo page: plain browser JavaScript, no framework, no build step.
// Connect: create an RTCPeerConnection with three data channels, wait for ICE gathering to
// finish (non-trickle), POST the offer to /offer, apply the answer. The server echoes every
// message on every channel; this page measures what comes back.
const $ = (id) => document.getElementById(id);

const PING_INTERVAL_MS = 200;
const PING_LOST_AFTER_MS = 2000;
const CHART_SAMPLES = 150; // 30 s at 5 pings per second
const FILE_CHUNK = 16 * 1024;
const FILE_HIGH_WATER = 1024 * 1024;
const FILE_LOW_WATER = 256 * 1024;

let pc = null;
let channels = {};
let sessionUrl = null;
let timers = [];

// ---------- connection ----------

async function connect() {
  setError('');
  $('connect').disabled = true;
  try {
    pc = new RTCPeerConnection();
    pc.onconnectionstatechange = () => {
      $('pc-state').textContent = pc.connectionState;
      if (pc.connectionState === 'failed') setError('connection failed');
    };
    pc.oniceconnectionstatechange = () => ($('ice-state').textContent = pc.iceConnectionState);
    channels = {
      chat: pc.createDataChannel('chat'),
      rtt: pc.createDataChannel('rtt', { ordered: false, maxRetransmits: 0 }),
      file: pc.createDataChannel('file'),
    };
    for (const ch of Object.values(channels)) {
      ch.binaryType = 'arraybuffer';
      ch.onopen = ch.onclose = showChannels;
    }
    channels.chat.onmessage = onChatEcho;
    channels.rtt.onmessage = onPong;
    channels.rtt.onopen = () => {
      showChannels();
      timers.push(setInterval(ping, PING_INTERVAL_MS));
    };
    channels.file.onmessage = onFileEcho;
    channels.chat.onopen = () => {
      showChannels();
      for (const id of ['text', 'send-text', 'file', 'send-file']) $(id).disabled = false;
      $('text').focus();
    };
    await pc.setLocalDescription(await pc.createOffer());
    await iceGatheringComplete(pc);
    const res = await fetch('/offer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`signaling: ${res.status} ${body.error}`);
    sessionUrl = res.headers.get('location');
    await pc.setRemoteDescription({ type: 'answer', sdp: body.sdp });
    $('disconnect').disabled = false;
    timers.push(setInterval(showStats, 1000));
  } catch (err) {
    setError(err.message || String(err));
    disconnect();
  }
}

function iceGatheringComplete(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', done);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, 5000); // send what we have
  });
}

function disconnect() {
  for (const t of timers) clearInterval(t);
  timers = [];
  if (pc) pc.close();
  if (sessionUrl) fetch(sessionUrl, { method: 'DELETE' }).catch(() => {});
  pc = null;
  sessionUrl = null;
  $('pc-state').textContent = 'closed';
  $('ice-state').textContent = 'closed';
  showChannels();
  $('connect').disabled = false;
  $('disconnect').disabled = true;
  for (const id of ['text', 'send-text', 'file', 'send-file']) $(id).disabled = true;
}

function showChannels() {
  const list = Object.values(channels);
  const open = list.filter((c) => c.readyState === 'open').length;
  $('channel-state').textContent = list.length ? `${open}/${list.length} open` : '–';
}

function setError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

// ---------- round-trip time ----------

const pings = new Map(); // seq -> send time
const samples = [];
let seq = 0;
let pongs = 0;
let lost = 0;
let sum = 0;
let min = Infinity;

function ping() {
  const now = performance.now();
  for (const [s, t] of pings) if (now - t > PING_LOST_AFTER_MS) { pings.delete(s); lost++; }
  if (channels.rtt.readyState !== 'open') return;
  seq++;
  pings.set(seq, now);
  channels.rtt.send(`ping ${seq} ${now.toFixed(3)}`);
}

function onPong({ data }) {
  const now = performance.now();
  const s = Number(String(data).split(' ')[1]);
  const sent = pings.get(s);
  if (sent === undefined) return; // late (already counted lost) or not ours
  pings.delete(s);
  const rtt = now - sent;
  pongs++;
  sum += rtt;
  min = Math.min(min, rtt);
  samples.push(rtt);
  if (samples.length > CHART_SAMPLES) samples.shift();
  const sorted = [...samples].sort((a, b) => a - b);
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  $('rtt-last').textContent = rtt.toFixed(2);
  $('rtt-min').textContent = min.toFixed(2);
  $('rtt-avg').textContent = (sum / pongs).toFixed(2);
  $('rtt-p95').textContent = p95.toFixed(2);
  $('rtt-count').textContent = pongs;
  $('rtt-lost').textContent = lost;
  drawChart(p95);
}

function drawChart(p95) {
  const canvas = $('rtt-chart');
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== w * dpr) { canvas.width = w * dpr; canvas.height = h * dpr; }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const top = niceCeil(Math.max(1, p95 * 1.6, ...samples.slice(-20)));
  const left = 44, pad = 8;
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#6b7385';
  g.strokeStyle = '#e3e6ee';
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4, y = h - pad - ((h - 2 * pad) * i) / 4;
    g.beginPath(); g.moveTo(left, y); g.lineTo(w - pad, y); g.stroke();
    g.fillText(`${Number.isInteger(v) ? v : v.toFixed(1)} ms`, 4, y + 4);
  }
  g.strokeStyle = '#2f6fde';
  g.lineWidth = 1.6;
  g.beginPath();
  samples.forEach((v, i) => {
    const x = left + ((w - pad - left) * i) / (CHART_SAMPLES - 1);
    const y = h - pad - ((h - 2 * pad) * Math.min(v, top)) / top;
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((n) => n >= v);
}

// ---------- text ----------

const chatPending = []; // FIFO of { text, sentAt } (the channel is ordered)

function sendText(e) {
  e.preventDefault();
  const text = $('text').value;
  if (!text || channels.chat?.readyState !== 'open') return;
  chatPending.push({ text, sentAt: performance.now() });
  channels.chat.send(text);
  log('sent', text);
  $('text').value = '';
}

function onChatEcho({ data }) {
  const sent = chatPending.shift();
  const rtt = sent ? performance.now() - sent.sentAt : NaN;
  const same = sent && sent.text === data;
  log('echo', same ? data : `${data} (MISMATCH, sent ${sent?.text})`, `${rtt.toFixed(1)} ms`);
}

function log(kind, text, note = '') {
  const li = document.createElement('li');
  li.className = kind;
  const span = document.createElement('span');
  span.textContent = `${kind}: ${text}`;
  const rtt = document.createElement('span');
  rtt.className = 'rtt';
  rtt.textContent = note;
  li.append(span, rtt);
  $('log').prepend(li);
}

// ---------- files ----------

let incoming = null; // the echo being received: { name, size, sha256, parts, received, startedAt }

async function sendFile() {
  const file = $('file').files[0];
  if (!file || channels.file?.readyState !== 'open') return;
  $('send-file').disabled = true;
  setFileStatus('', '');
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const sha256 = await sha256Hex(bytes);
    const ch = channels.file;
    ch.bufferedAmountLowThreshold = FILE_LOW_WATER;
    incoming = { name: file.name, size: bytes.length, sha256, parts: [], received: 0, startedAt: performance.now(), header: false };
    ch.send(JSON.stringify({ name: file.name, size: bytes.length, sha256 }));
    for (let offset = 0; offset < bytes.length; offset += FILE_CHUNK) {
      if (ch.bufferedAmount > FILE_HIGH_WATER) {
        await new Promise((resolve) => ch.addEventListener('bufferedamountlow', resolve, { once: true }));
      }
      if (ch.readyState !== 'open') throw new Error('channel closed during the transfer');
      ch.send(bytes.subarray(offset, offset + FILE_CHUNK));
      progress('file-sent', Math.min(bytes.length, offset + FILE_CHUNK), bytes.length);
    }
    if (bytes.length === 0) progress('file-sent', 0, 0);
  } catch (err) {
    setFileStatus(`failed: ${err.message}`, 'bad');
    $('send-file').disabled = false;
  }
}

async function onFileEcho({ data }) {
  const f = incoming;
  if (!f) return;
  if (typeof data === 'string') {
    const header = JSON.parse(data);
    f.header = header.sha256 === f.sha256 && header.size === f.size;
    if (f.size === 0) await finishFile(f);
    return;
  }
  f.parts.push(new Uint8Array(data));
  f.received += data.byteLength;
  progress('file-echoed', f.received, f.size);
  if (f.received >= f.size) await finishFile(f);
}

async function finishFile(f) {
  incoming = null;
  const all = new Uint8Array(f.received);
  let at = 0;
  for (const p of f.parts) { all.set(p, at); at += p.length; }
  const hash = await sha256Hex(all);
  const seconds = (performance.now() - f.startedAt) / 1000;
  const ok = f.header && all.length === f.size && hash === f.sha256;
  setFileStatus(
    ok
      ? `verified: ${f.name}, ${f.size} bytes echoed, SHA-256 ${hash.slice(0, 16)}… matches (${(f.size / 1e6 / Math.max(seconds, 1e-3)).toFixed(2)} MB/s round trip)`
      : `MISMATCH: ${f.name}: got ${all.length} of ${f.size} bytes, SHA-256 ${hash.slice(0, 16)}…`,
    ok ? 'ok' : 'bad',
  );
  $('send-file').disabled = false;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

function progress(id, done, total) {
  $(id).value = total ? done / total : 1;
  $(`${id}-text`).textContent = `${done.toLocaleString()} / ${total.toLocaleString()} B`;
}

function setFileStatus(text, cls) {
  $('file-status').textContent = text;
  $('file-status').className = cls;
}

// ---------- stats ----------

async function showStats() {
  if (!pc) return;
  const rows = [];
  const report = await pc.getStats();
  const byId = new Map();
  report.forEach((s) => byId.set(s.id, s));
  report.forEach((s) => {
    if (s.type === 'transport') {
      const pair = byId.get(s.selectedCandidatePairId);
      if (pair) {
        const l = byId.get(pair.localCandidateId), r = byId.get(pair.remoteCandidateId);
        if (l && r) rows.push(['selected pair', `${l.address || '(hidden)'}:${l.port} ${l.candidateType} → ${r.address}:${r.port} ${r.candidateType}`]);
        if (pair.currentRoundTripTime !== undefined) rows.push(['ICE RTT (STUN)', `${(pair.currentRoundTripTime * 1000).toFixed(2)} ms`]);
      }
      const version = { FEFD: 'DTLS 1.2', FEFC: 'DTLS 1.3' }[s.tlsVersion] ?? s.tlsVersion ?? '';
      rows.push(['DTLS', `${s.dtlsState ?? '?'}, ${version} ${s.dtlsCipher ?? ''}`]);
      rows.push(['bytes sent / received', `${s.bytesSent} / ${s.bytesReceived}`]);
    }
    if (s.type === 'data-channel') {
      rows.push([`channel "${s.label}"`, `${s.state}, ${s.messagesSent} msgs out / ${s.messagesReceived} in, ${s.bytesSent} / ${s.bytesReceived} B`]);
    }
  });
  try {
    const server = await (await fetch('/stats')).json();
    rows.push(['server engine', server.engine]);
    rows.push(['server', `${server.peers} peer(s), ${server.channels} channel(s) open, ${server.messages} messages / ${server.bytes} B echoed`]);
  } catch { /* server gone */ }
  const tbody = $('stats').tBodies[0];
  tbody.replaceChildren(...rows.map(([k, v]) => {
    const tr = document.createElement('tr');
    const a = document.createElement('td'), b = document.createElement('td');
    a.textContent = k;
    b.textContent = v;
    tr.append(a, b);
    return tr;
  }));
}

// ---------- wiring ----------

$('connect').onclick = connect;
$('disconnect').onclick = disconnect;
$('text-form').onsubmit = sendText;
$('send-file').onclick = sendFile;
fetch('/stats').then((r) => r.json()).then((s) => {
  $('engine').textContent = s.engine;
  if (s.engine !== 'tsrtc') $('about').textContent = `This server runs ${s.engine} instead of tsrtc. Everything you send on a data channel comes back.`;
}).catch(() => {});
