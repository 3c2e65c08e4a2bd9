// The gateway's HTTP contract (docs/API.md), and nothing else.

import { t } from './i18n.js';
import { withHumanCheck } from './pow.js';

/** An error answer of the gateway: RFC 9457 problem details with the status. */
export class ProblemError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || t('gateway.answered', { status }));
    this.status = status;
    this.title = problem.title ?? '';
    this.detail = problem.detail ?? '';
    /** field -> [messages], as the gateway keys them */
    this.errors = problem.errors ?? {};
    /** "proof-of-work" when the gateway asks for the human check first (pow.js) */
    this.humanCheck = problem.humanCheck ?? null;
  }
}

/** An error in words for a line in a buffer: the gateway's detail and field messages, or the error's message. */
export function describeProblem(error) {
  if (!(error instanceof ProblemError)) return String(error.message ?? error);
  const fieldMessages = Object.values(error.errors).flat();
  return [error.detail || error.title, ...fieldMessages].filter(Boolean).join(' ');
}

async function request(method, url, { body, signal } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ProblemError(0, { title: t('gateway.unreachable'), detail: t('gateway.unreachableDetail') });
  }
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') ?? '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    throw new ProblemError(response.status, data && typeof data === 'object' ? data : { title: `${response.status} ${response.statusText}` });
  }
  return data;
}

const base = '/api/connections';
const enc = encodeURIComponent;

export const api = {
  /** The web client's settings: { allowedServers: [...] } (GET /api/config, served next to the client). */
  config: () => request('GET', '/api/config'),
  listConnections: () => request('GET', base),
  getConnection: (id) => request('GET', `${base}/${enc(id)}`),
  /** Opens a connection; when the gateway asks for the human check, solves it (pow.js), telling `onHumanCheck(percent)`. */
  connect: (body, onHumanCheck) =>
    withHumanCheck(body, (withProof) => request('POST', base, { body: withProof }), () => request('GET', '/api/challenge'), onHumanCheck),
  /** Changes what the connection logs in with from its next registration on: { sasl: { account, password } }. */
  updateConnection: (id, body) => request('PATCH', `${base}/${enc(id)}`, { body }),
  close: (id) => request('DELETE', `${base}/${enc(id)}`),
  sendLines: (id, lines) => request('POST', `${base}/${enc(id)}/lines`, { body: { lines } }),
  poll: (id, since, timeoutSeconds, signal) =>
    request('GET', `${base}/${enc(id)}/poll?since=${since}&timeout=${timeoutSeconds}`, { signal }),
  eventsUrl: (id, lastEventId) =>
    lastEventId > 0 ? `${base}/${enc(id)}/events?lastEventId=${lastEventId}` : `${base}/${enc(id)}/events`,
};
