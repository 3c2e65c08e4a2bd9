// "Register this nick": an account on the IRC network through IRCv3 draft/account-registration (Ergo offers it).
// What the server offers and what it answered is read from the connection's events; the dialog sends REGISTER and
// VERIFY as lines, and once the account exists the gateway is told to log in with it from the next registration on
// (PATCH /api/connections/{id}) and the channels the server refused for want of an account are joined again.

import { api, ProblemError } from './api.js';
import { t } from './i18n.js';
import { sourceNick } from './irc.js';
import { fold, isChannel, isMe, serverBuffer } from './state.js';

export const REGISTRATION_CAP = 'draft/account-registration';

/** How long the server has to answer REGISTER or VERIFY before the dialog says so. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * The server's offer in a CAP LS or NEW list (`draft/account-registration=before-connect,email-required`): null
 * when it is not there, else { emailRequired, customAccountName }.
 */
export function registrationOffer(capList) {
  for (const token of capList.split(' ')) {
    const [name, value = ''] = token.split('=', 2);
    if (name !== REGISTRATION_CAP) continue;
    const flags = value.split(',');
    return { emailRequired: flags.includes('email-required'), customAccountName: flags.includes('custom-account-name') };
  }
  return null;
}

/** What one connection's events say about registering: the offer, the account logged in to, the channels refused for want of one. */
class Standing {
  constructor() {
    this.offer = null;
    this.account = null;
    /** Channels the server refused because only logged-in people may join (477), by name as the server gave it. */
    this.refused = new Set();
    /** The dialog's wait for the answer to REGISTER or VERIFY: { command, resolve }. */
    this.waiter = null;
  }
}

/** Follows every connection's events for what registering needs; `standing(connection)` is what it knows. */
export class Registrations {
  constructor() {
    this.byConnection = new Map();
  }

  standing(connection) {
    let standing = this.byConnection.get(connection.id);
    if (!standing) {
      standing = new Standing();
      this.byConnection.set(connection.id, standing);
    }
    return standing;
  }

  /** True when the person may register the nick now: the server offers it, the connection is up, nobody is logged in. */
  canRegister(connection) {
    const standing = this.byConnection.get(connection.id);
    return Boolean(standing?.offer) && !standing.account && connection.state === 'connected';
  }

  /** Reads one applied event of `connection`; returns true when what it knows changed (the page shows the button or not). */
  observe(connection, event) {
    const standing = this.standing(connection);
    if (event.type === 'status') {
      if (event.status !== 'CONNECTED') return false;
      // A new socket: the server says again what it offers, and nobody is logged in yet.
      standing.offer = null;
      standing.account = null;
      return true;
    }
    if (event.type !== 'message') return false;
    const params = event.params ?? [];
    const command = (event.command ?? '').toUpperCase();
    switch (command) {
      case 'CAP': {
        const sub = (params[1] ?? '').toUpperCase();
        const list = params[params.length - 1] ?? '';
        if (sub === 'LS' || sub === 'NEW') {
          const offer = registrationOffer(list);
          if (offer) standing.offer = offer;
          return Boolean(offer);
        }
        if (sub === 'DEL' && list.split(' ').includes(REGISTRATION_CAP)) {
          standing.offer = null;
          return true;
        }
        return false;
      }
      case '900':
        standing.account = params[2] ?? null;
        return true;
      case '901':
        standing.account = null;
        return true;
      case '477':
        if (params[1] && isChannel(connection, params[1])) standing.refused.add(params[1]);
        return false;
      case 'JOIN':
        if (isMe(connection, sourceNick(event.source))) {
          for (const name of [...standing.refused]) {
            if (fold(connection, name) === fold(connection, params[0] ?? '')) standing.refused.delete(name);
          }
        }
        return false;
      case 'REGISTER':
      case 'VERIFY': {
        const [result, account] = params;
        if (result === 'SUCCESS') standing.account = account ?? standing.account;
        settle(standing, command, { ok: true, result, account, text: params[params.length - 1] ?? '' });
        return result === 'SUCCESS';
      }
      case 'FAIL':
        if (params[0] === 'REGISTER' || params[0] === 'VERIFY') {
          settle(standing, params[0], { ok: false, code: params[1] ?? '', text: params[params.length - 1] ?? '' });
        }
        return false;
      default:
        return false;
    }
  }

  /** Sends `line` (REGISTER or VERIFY) with `send` and waits for the server's answer to it. */
  ask(connection, command, line, send) {
    const standing = this.standing(connection);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        standing.waiter = null;
        resolve({ ok: false, code: 'NO_ANSWER', text: '' });
      }, ANSWER_TIMEOUT_MS);
      standing.waiter = {
        command,
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
      };
      send(connection, [line]).catch((error) => {
        clearTimeout(timer);
        standing.waiter = null;
        reject(error);
      });
    });
  }
}

function settle(standing, command, answer) {
  if (standing.waiter?.command !== command) return;
  const { resolve } = standing.waiter;
  standing.waiter = null;
  resolve(answer);
}

/** FAIL codes of REGISTER and VERIFY (draft/account-registration) the text tables word (register.*). */
const FAILURES = new Set(['ACCOUNT_EXISTS', 'BAD_ACCOUNT_NAME', 'ACCOUNT_NAME_MUST_BE_NICK', 'NEED_NICK', 'COMPLETE_CONNECTION_REQUIRED',
  'ALREADY_AUTHENTICATED', 'WEAK_PASSWORD', 'UNACCEPTABLE_PASSWORD', 'INVALID_EMAIL', 'UNACCEPTABLE_EMAIL', 'INVALID_CODE', 'TEMPORARILY_UNAVAILABLE']);

/** A FAIL code of REGISTER or VERIFY in words that say what to do, the server's own words after them. */
export function explainRegistrationFailure(code, serverText) {
  if (!FAILURES.has(code)) return serverText || code;
  return serverText ? `${t(`register.${code}`)} ${t('register.serverSays', { text: serverText })}` : t(`register.${code}`);
}

/**
 * The dialog: account name, e-mail where the server asks for one, password; then the code the server mailed.
 * `deps`: { registrations, send(connection, lines), onRegistered(connection, account), localLine(buffer, kind, text) }.
 */
export class RegisterDialog {
  constructor(deps) {
    this.deps = deps;
    this.$ = (id) => document.getElementById(id);
    this.dialog = this.$('register-dialog');
    this.form = this.$('register-form');
    this.connection = null;
    /** What was sent with REGISTER, kept in this page only until the account is verified. */
    this.pending = null;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.$('register-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.pending = null;
      this.form.reset();
    });
  }

  open(connection) {
    const standing = this.deps.registrations.standing(connection);
    if (!standing.offer) return;
    this.connection = connection;
    this.pending = null;
    this.form.reset();
    this.showError('');
    const account = this.$('register-account');
    account.value = connection.nick;
    account.readOnly = !standing.offer.customAccountName;
    this.$('register-account-hint').hidden = standing.offer.customAccountName;
    this.$('register-email-field').hidden = !standing.offer.emailRequired;
    this.$('register-email').required = standing.offer.emailRequired;
    this.showStep('details');
    this.dialog.showModal();
    (standing.offer.customAccountName ? account : this.$('register-password')).focus();
  }

  showStep(step) {
    this.step = step;
    this.$('register-details').hidden = step !== 'details';
    this.$('register-code-step').hidden = step !== 'code';
    this.$('register-submit').textContent = t(step === 'code' ? 'register.verifyButton' : 'register.registerButton');
  }

  showError(text) {
    const box = this.$('register-error');
    box.textContent = text;
    box.hidden = !text;
  }

  async submit() {
    const connection = this.connection;
    this.showError('');
    const submit = this.$('register-submit');
    let line;
    let command;
    if (this.step === 'details') {
      const account = this.$('register-account').value.trim();
      const email = this.$('register-email').value.trim();
      const password = this.$('register-password').value;
      const problem = !account || /[\s,*?!@:]/.test(account) ? t('register.badAccount')
        : this.$('register-email').required && !/^[^\s@]+@[^\s@]+$/.test(email) ? t('register.badEmail')
          : !password ? t('register.noPassword') : /[\r\n\0]/.test(password) ? t('register.badPassword') : '';
      if (problem) {
        this.showError(problem);
        return;
      }
      this.pending = { account, email, password };
      command = 'REGISTER';
      line = `REGISTER ${account} ${email || '*'} :${password}`;
    } else {
      const code = this.$('register-code').value.trim();
      if (!code || /\s/.test(code)) {
        this.showError(t('register.badCode'));
        return;
      }
      command = 'VERIFY';
      line = `VERIFY ${this.pending.account} ${code}`;
    }
    submit.disabled = true;
    let answer;
    try {
      answer = await this.deps.registrations.ask(connection, command, line, this.deps.send);
    } catch (error) {
      this.showError(t('register.notSent', { problem: error instanceof ProblemError ? error.detail || error.title : String(error.message ?? error) }));
      return;
    } finally {
      submit.disabled = false;
    }
    if (!answer.ok) {
      this.showError(answer.code === 'NO_ANSWER' ? t('register.noAnswer') : explainRegistrationFailure(answer.code, answer.text));
      return;
    }
    if (answer.result === 'VERIFICATION_REQUIRED') {
      this.showStep('code');
      const sent = t('register.codeSent', { email: this.pending.email || t('register.yourEmail') });
      this.$('register-code-hint').textContent = answer.text ? `${sent} ${t('register.serverSays', { text: answer.text })}` : sent;
      this.$('register-code').focus();
      return;
    }
    if (answer.result === 'SUCCESS') await this.registered(connection, this.pending.account, this.pending.password);
  }

  /** The account exists and the connection is logged in to it: keep the login for later, join what was refused. */
  async registered(connection, account, password) {
    const standing = this.deps.registrations.standing(connection);
    this.dialog.close();
    try {
      await api.updateConnection(connection.id, { sasl: { account, password } });
      this.deps.localLine(serverBuffer(connection), 'client', t('register.done', { account }));
    } catch (error) {
      const why = error instanceof ProblemError ? error.detail || error.title : String(error.message ?? error);
      this.deps.localLine(serverBuffer(connection), 'error', t('register.notKept', { account, problem: why }));
    }
    this.deps.onRegistered(connection, account);
    const refused = [...standing.refused];
    if (refused.length === 0) return;
    try {
      await this.deps.send(connection, [`JOIN ${refused.join(',')}`]);
    } catch (error) {
      this.deps.localLine(serverBuffer(connection), 'error', t('register.rejoinFailed', { channels: refused.join(', ') }));
    }
  }
}
