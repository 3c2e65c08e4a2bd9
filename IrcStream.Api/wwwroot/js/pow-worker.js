// The human check's puzzle, solved off the page's thread (docs/OPERATORS.md, "Human check"): find a nonce such that
// SHA-256("{challenge}:{nonce}") starts with `difficulty` zero bits. WebCrypto does the hashing; the worker only counts.
// Loaded from the gateway itself ('self' in the Content-Security-Policy), as a module.

const BATCH = 256;
const encoder = new TextEncoder();

function leadingZeroBits(bytes) {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

async function solve(challenge, difficulty) {
  let reported = performance.now();
  for (let start = 0; ; start += BATCH) {
    const digests = [];
    for (let nonce = start; nonce < start + BATCH; nonce++) {
      digests.push(crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}:${nonce}`)));
    }
    const hashes = await Promise.all(digests);
    for (let i = 0; i < hashes.length; i++) {
      if (leadingZeroBits(new Uint8Array(hashes[i])) >= difficulty) return String(start + i);
    }
    if (performance.now() - reported > 100) {
      reported = performance.now();
      postMessage({ type: 'progress', attempts: start + BATCH });
    }
  }
}

self.onmessage = async (event) => {
  const { challenge, difficulty } = event.data;
  const began = performance.now();
  const nonce = await solve(challenge, difficulty);
  postMessage({ type: 'solved', nonce, milliseconds: performance.now() - began });
};
