// Adds up a Chromium network log (--log-net-log) for one origin: each response's body as sent (compressed) and as
// decoded, and every byte read from the sockets (headers included). Used by first-load.sh.
// Run: node netlog-sum.mjs NETLOG.json http://127.0.0.1:5392/

import { readFileSync } from 'node:fs';

const [file, origin] = process.argv.slice(2);
const text = readFileSync(file, 'utf8').trim();
let log;
try {
  log = JSON.parse(text);
} catch {
  // A log Chromium did not get to close.
  log = JSON.parse(`${text.replace(/,\s*$/, '')}]}`);
}
const type = log.constants.logEventTypes;
const urls = new Map();
const sent = new Map();
const decoded = new Map();
const socketOf = new Map();
const socketBytes = new Map();
for (const event of log.events) {
  const id = event.source.id;
  const add = (map, key) => map.set(key, (map.get(key) ?? 0) + event.params.byte_count);
  if (event.type === type.URL_REQUEST_START_JOB && event.params?.url) urls.set(id, event.params.url);
  if (event.type === type.URL_REQUEST_JOB_BYTES_READ) add(sent, id);
  if (event.type === type.URL_REQUEST_JOB_FILTERED_BYTES_READ) add(decoded, id);
  if (event.type === type.SOCKET_BYTES_RECEIVED) add(socketBytes, id);
  if (event.type === type.SOCKET_CONNECTED || event.type === type.TCP_CONNECT) {
    const address = event.params?.remote_address ?? event.params?.address_list?.[0];
    if (address) socketOf.set(id, address);
  }
}
const host = new URL(origin).host;
let bodies = 0;
let responses = 0;
for (const [id, url] of urls) {
  if (!url.startsWith(origin)) continue;
  responses += 1;
  // An answer sent without Content-Encoding is logged only as read.
  const body = sent.get(id) ?? decoded.get(id) ?? 0;
  bodies += body;
  console.log(`${String(body).padStart(7)} B sent, ${String(decoded.get(id) ?? 0).padStart(7)} B decoded  ${url.slice(origin.length - 1)}`);
}
let received = 0;
for (const [id, bytes] of socketBytes) {
  if (socketOf.get(id) === host) received += bytes;
}
console.log(`${responses} responses; bodies as sent ${bodies} B; everything received from ${host} (headers included) ${received} B`);
