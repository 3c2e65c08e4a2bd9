// The human check (docs/OPERATORS.md): when the gateway answers a connect with 403 and "humanCheck": "proof-of-work",
// get a challenge, solve it in a Web Worker (pow-worker.js) while reporting progress, and send the connect again with
// the proof. Used by api.connect; the page only shows the progress it is given.

import { ProblemError } from './api.js';
import { t } from './i18n.js';

/** Solves `challenge` ({ challenge, difficulty }) in a worker; `onProgress(fraction)` hears how far it is (0..1, an estimate). */
export function solveChallenge({ challenge, difficulty }, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./pow-worker.js', import.meta.url), { type: 'module' });
    // 2^difficulty tries on average: the estimate of how far along it is.
    const expected = 2 ** difficulty;
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.type === 'progress') onProgress(Math.min(0.99, message.attempts / expected));
      if (message.type === 'solved') {
        worker.terminate();
        onProgress(1);
        resolve({ nonce: message.nonce, milliseconds: message.milliseconds });
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(t('connect.humanCheckFailed', { problem: event.message })));
    };
    worker.postMessage({ challenge, difficulty });
  });
}

/**
 * Sends `body` with `send(body)`; when the gateway asks for the human check, solves a challenge and sends it once
 * more with the proof. `onProgress(percent)` hears the progress while solving.
 */
export async function withHumanCheck(body, send, getChallenge, onProgress = () => {}) {
  try {
    return await send(body);
  } catch (error) {
    if (!(error instanceof ProblemError) || error.status !== 403 || error.humanCheck !== 'proof-of-work') throw error;
  }
  const challenge = await getChallenge();
  const solved = await solveChallenge(challenge, (fraction) => onProgress(Math.round(fraction * 100)));
  return send({ ...body, proof: { challenge: challenge.challenge, nonce: solved.nonce } });
}
