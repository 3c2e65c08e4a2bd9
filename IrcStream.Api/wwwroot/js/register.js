// "Register this nick": an account on the IRC network through IRCv3 draft/account-registration (Ergo offers it).
// What the server offers and what it answered is read from the connection's events; the dialog sends REGISTER and
// VERIFY as lines, and once the account exists the gateway is told to log in with it from the next registration on
// (PATCH /api/connections/{id}) and the channels the server refused for want of an account are joined again.

import { api, ProblemError } from './api.js';

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
        if (params[1] && connection.isChannel(params[1])) standing.refused.add(params[1]);
        return false;
      case 'JOIN':
        if (connection.isMe(sourceNick(event.source))) {
          for (const name of [...standing.refused]) {
            if (connection.fold(name) === connection.fold(params[0] ?? '')) standing.refused.delete(name);
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

function sourceNick(source) {
  return (source ?? '').split('!')[0];
}

/** A FAIL code of REGISTER or VERIFY in words that say what to do. */
export function explainRegistrationFailure(code, serverText, texts) {
  const known = texts.failures[code];
  return known ? `${known}${serverText ? ` ${texts.serverSays(serverText)}` : ''}` : serverText || code;
}

/**
 * The dialog: account name, e-mail where the server asks for one, password; then the code the server mailed.
 * `deps`: { registrations, send(connection, lines), onRegistered(connection, account), localLine(buffer, kind, text), texts }.
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
    this.$('register-submit').textContent = step === 'code' ? this.deps.texts.verifyButton : this.deps.texts.registerButton;
  }

  showError(text) {
    const box = this.$('register-error');
    box.textContent = text;
    box.hidden = !text;
  }

  async submit() {
    const texts = this.deps.texts;
    const connection = this.connection;
    this.showError('');
    const submit = this.$('register-submit');
    let line;
    let command;
    if (this.step === 'details') {
      const account = this.$('register-account').value.trim();
      const email = this.$('register-email').value.trim();
      const password = this.$('register-password').value;
      const problem = !account || /[\s,*?!@:]/.test(account) ? texts.badAccount
        : this.$('register-email').required && !/^[^\s@]+@[^\s@]+$/.test(email) ? texts.badEmail
          : !password ? texts.noPassword : /[\r\n\0]/.test(password) ? texts.badPassword : '';
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
        this.showError(texts.badCode);
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
      this.showError(texts.notSent(error instanceof ProblemError ? error.detail || error.title : String(error.message ?? error)));
      return;
    } finally {
      submit.disabled = false;
    }
    if (!answer.ok) {
      this.showError(answer.code === 'NO_ANSWER' ? texts.noAnswer : explainRegistrationFailure(answer.code, answer.text, texts));
      return;
    }
    if (answer.result === 'VERIFICATION_REQUIRED') {
      this.showStep('code');
      this.$('register-code-hint').textContent = texts.codeSent(this.pending.email, answer.text);
      this.$('register-code').focus();
      return;
    }
    if (answer.result === 'SUCCESS') await this.registered(connection, this.pending.account, this.pending.password);
  }

  /** The account exists and the connection is logged in to it: keep the login for later, join what was refused. */
  async registered(connection, account, password) {
    const texts = this.deps.texts;
    const standing = this.deps.registrations.standing(connection);
    this.dialog.close();
    try {
      await api.updateConnection(connection.id, { sasl: { account, password } });
      this.deps.localLine(connection.serverBuffer, 'client', texts.registered(account));
    } catch (error) {
      const why = error instanceof ProblemError ? error.detail || error.title : String(error.message ?? error);
      this.deps.localLine(connection.serverBuffer, 'error', texts.notKept(account, why));
    }
    this.deps.onRegistered(connection, account);
    const refused = [...standing.refused];
    if (refused.length === 0) return;
    try {
      await this.deps.send(connection, [`JOIN ${refused.join(',')}`]);
    } catch (error) {
      this.deps.localLine(connection.serverBuffer, 'error', texts.rejoinFailed(refused.join(', ')));
    }
  }
}

/** The dialog's words (English; languages come from the client's text tables). */
export const REGISTER_TEXTS = {
  registerButton: 'Register',
  verifyButton: 'Verify',
  badAccount: 'Enter an account name without spaces or any of , * ? ! @ :',
  badEmail: 'Enter your e-mail address: the server mails a code to it.',
  noPassword: 'Choose a password for the account.',
  badPassword: 'The password cannot contain line breaks.',
  badCode: 'Enter the code from the e-mail, without spaces.',
  noAnswer: 'The server did not answer. Try again in a moment.',
  notSent: (why) => `Not sent: ${why}`,
  serverSays: (text) => `(The server says: ${text})`,
  codeSent: (email, text) => `The server has sent a code to ${email || 'your e-mail address'}. Enter it here to finish.${text ? ` (The server says: ${text})` : ''}`,
  registered: (account) => `You registered the account ${account} and are logged in to it. This connection logs in as ${account} from now on.`,
  notKept: (account, why) => `You registered the account ${account} and are logged in to it, but the gateway could not keep the login for later (${why}). Next time, log in with More options → SASL when you connect.`,
  rejoinFailed: (channels) => `Could not join ${channels} again; use /join.`,
  failures: {
    ACCOUNT_EXISTS: 'That account already exists. If it is yours, log in with More options → SASL when you connect; otherwise pick another nick.',
    BAD_ACCOUNT_NAME: 'The server does not accept that account name. Pick another one.',
    ACCOUNT_NAME_MUST_BE_NICK: 'The account must be named after your nick.',
    NEED_NICK: 'Wait until the connection reads "connected", then register.',
    COMPLETE_CONNECTION_REQUIRED: 'Wait until the connection reads "connected", then register.',
    ALREADY_AUTHENTICATED: 'You are already logged in to an account.',
    WEAK_PASSWORD: 'The password is too weak for the server: choose a longer one.',
    UNACCEPTABLE_PASSWORD: 'The server does not accept that password: choose another one.',
    INVALID_EMAIL: 'That e-mail address is not valid.',
    UNACCEPTABLE_EMAIL: 'The server does not accept that e-mail address.',
    INVALID_CODE: 'That code is not right (or has expired). Check the e-mail and enter it again.',
    TEMPORARILY_UNAVAILABLE: 'The server cannot register accounts right now. Try again later.',
  },
};
