// The connect dialog: the form filled from the operator's defaults and a link, checked in the browser for what
// needs no round trip, sent to the gateway (through the human check when asked), its refusals shown in words
// under the field they concern.

import { api, ProblemError } from './api.js';
import { t } from './i18n.js';
import { fillNickFormat } from './link.js';

const $ = (id) => document.getElementById(id);

/** Maps the gateway's `errors` keys ("Nick", "sasl.Account", "channels[1]") onto the form's fields. */
function fieldFor(key) {
  const normal = key.replace(/\[\d+\]/g, '').replace(/^\$\.?/, '').toLowerCase();
  const known = ['server', 'tls', 'nick', 'username', 'realname', 'password', 'sasl.account', 'sasl.password', 'sasl', 'channels'];
  return known.includes(normal) ? normal : known.find((k) => normal.startsWith(`${k}.`)) ?? null;
}

const FIELD_INPUTS = {
  server: 'connect-server', tls: 'connect-tls', nick: 'connect-nick', username: 'connect-username', realname: 'connect-realname',
  password: 'connect-password', 'sasl.account': 'connect-sasl-account', 'sasl.password': 'connect-sasl-password',
  sasl: 'connect-sasl-account', channels: 'connect-channels',
};

export class ConnectDialog {
  /**
   * `hasConnections()`: whether the page has any (without one the dialog cannot be cancelled);
   * `onConnected(info, body)`: the gateway made the connection `info` from the form's `body`.
   */
  constructor({ hasConnections, onConnected }) {
    this.hasConnections = hasConnections;
    this.onConnected = onConnected;
    this.dialog = $('connect-dialog');
    this.form = $('connect-form');
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    $('connect-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('cancel', (event) => {
      if (!this.hasConnections()) event.preventDefault();
    });
    $('new-connection').addEventListener('click', () => this.open());
    this.form.elements.server.addEventListener('change', () => this.matchTlsToPort());
    $('connect-tls').addEventListener('change', (event) => {
      const server = this.form.elements.server;
      if (/:(6667|6697)$/.test(server.value)) server.value = server.value.replace(/:\d+$/, event.target.checked ? ':6697' : ':6667');
    });
  }

  open() {
    this.clearErrors();
    if (!this.dialog.open) this.dialog.showModal();
    $('connect-cancel').hidden = !this.hasConnections();
    // The nick is what a newcomer types first; a suggested one is selected, so typing replaces it.
    const nick = $('connect-nick');
    nick.focus();
    nick.select();
  }

  /** The nick the form holds now. */
  get nick() {
    return this.form.elements.nick.value;
  }

  /** Sends the form as if Connect was pressed. */
  requestSubmit() {
    this.form.requestSubmit();
  }

  /** Shows `text` at the top of the form: an error tied to no field. */
  showError(text) {
    const box = $('connect-error');
    box.textContent = text;
    box.hidden = false;
  }

  clearErrors() {
    for (const node of this.form.querySelectorAll('.field-error')) {
      node.hidden = true;
      node.textContent = '';
    }
    for (const inputNode of this.form.querySelectorAll('[aria-invalid]')) inputNode.removeAttribute('aria-invalid');
    $('connect-error').hidden = true;
  }

  showFieldError(field, text) {
    const node = this.form.querySelector(`.field-error[data-error-for="${field}"]`);
    node.textContent = node.hidden ? text : `${node.textContent} ${text}`;
    node.hidden = false;
    const inputNode = $(FIELD_INPUTS[field]);
    inputNode.setAttribute('aria-invalid', 'true');
    if (field.startsWith('sasl') || ['realname', 'username', 'password'].includes(field)) this.form.querySelector('details.more').open = true;
    return inputNode;
  }

  showProblem(error) {
    let firstInvalid = null;
    const general = [];
    for (const [key, messages] of Object.entries(error.errors ?? {})) {
      const field = fieldFor(key);
      const text = [messages].flat().join(' ');
      if (field) firstInvalid ??= this.showFieldError(field, text);
      else general.push(text);
    }
    // 403 for a server that is not allowed has no `errors`: it is about the server field all the same.
    if (!firstInvalid && error.status === 403) firstInvalid = this.showFieldError('server', error.detail || error.title);
    else if (general.length > 0 || !firstInvalid) this.showError([error.title, error.detail, ...general].filter(Boolean).join(' — '));
    firstInvalid?.focus();
  }

  read() {
    const form = this.form;
    const value = (name) => form.elements[name].value.trim();
    const body = { server: value('server'), tls: form.elements.tls.checked, nick: value('nick') };
    if (value('username')) body.username = value('username');
    if (value('realname')) body.realname = value('realname');
    if (form.elements.password.value) body.password = form.elements.password.value;
    if (value('sasl-account') || form.elements['sasl-password'].value) {
      body.sasl = { account: value('sasl-account'), password: form.elements['sasl-password'].value };
    }
    const channels = value('channels').split(/[\s,]+/).filter(Boolean).map((c) => (/^[#&+!]/.test(c) ? c : `#${c}`));
    if (channels.length > 0) body.channels = channels;
    return body;
  }

  /** Checks in the browser what needs no round trip; the gateway checks everything again. */
  validateLocally(body) {
    let ok = true;
    if (!body.server) ok = !this.showFieldError('server', t('connect.needServer'));
    if (!body.nick) ok = !this.showFieldError('nick', t('connect.needNick')) && ok;
    else if (/[\s,*?!@]/.test(body.nick) || /^[#&:$0-9-]/.test(body.nick)) {
      ok = !this.showFieldError('nick', t('connect.badNick')) && ok;
    }
    return ok;
  }

  async submit() {
    this.clearErrors();
    const body = this.read();
    if (!this.validateLocally(body)) {
      this.form.querySelector('[aria-invalid]')?.focus();
      return;
    }
    const submit = $('connect-submit');
    submit.disabled = true;
    submit.textContent = t('connect.connecting');
    try {
      // Human check hook (pow.js): its progress shows on the button while the browser solves the gateway's puzzle.
      const info = await api.connect(body, (percent) => { submit.textContent = t('connect.humanCheck', { percent }); });
      this.onConnected(info, body);
      this.dialog.close();
    } catch (error) {
      if (error instanceof ProblemError) this.showProblem(error);
      else throw error;
    } finally {
      submit.disabled = false;
      submit.textContent = t('connect.submit');
    }
  }

  /** Port 6697 is IRC over TLS by convention (and the contract's default with tls), 6667 plain. */
  matchTlsToPort() {
    const port = /:(\d+)$/.exec(this.form.elements.server.value.trim())?.[1];
    if (port === '6697') this.form.elements.tls.checked = true;
    if (port === '6667') this.form.elements.tls.checked = false;
  }

  /** Offers the allowed servers, and fills the form from the operator's defaults (`config`) and then the link's values. */
  fill(link, config) {
    const form = this.form;
    const servers = config.allowedServers ?? [];
    const concrete = servers.filter((s) => !s.includes('*'));
    $('allowed-servers').replaceChildren(...concrete.map((s) => Object.assign(document.createElement('option'), { value: s })));
    const patterns = servers.filter((s) => s.includes('*'));
    const hint = $('allowed-hint');
    hint.textContent = servers.length > 0 ? t('connect.allowed', { servers: servers.join(', ') }) : '';
    hint.hidden = servers.length === 0;
    if (patterns.length > 0 && concrete.length === 0) form.elements.server.placeholder = patterns[0].replace('*', 'irc');
    const server = link.server ?? config.defaultServer ?? concrete[0];
    if (server) {
      form.elements.server.value = server;
      this.matchTlsToPort();
    }
    // A server named by a link stays visible: the person should see where the link sends them.
    $('server-fields').hidden = config.showServerField === false && !link.server;
    const nick = link.nick ?? fillNickFormat(config.nickFormat);
    if (nick) form.elements.nick.value = nick;
    const channels = link.channels.length > 0 ? link.channels : config.defaultChannels ?? [];
    form.elements.channels.value = channels.join(' ');
    if (link.problems.length > 0) this.showError(link.problems.join(' '));
  }
}
