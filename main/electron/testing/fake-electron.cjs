/**
 * A stand-in for the `electron` module, so the built main process (dist/…/main.cjs) runs under plain
 * Node in main.test.ts: no Electron binary can be downloaded on the build machines. Loaded with
 * `node --require`, it answers `require('electron')` with recording fakes, reports what main does to
 * the parent test (process.send), and lets the test act as Electron would: invoke an IPC handler from
 * a frame, navigate the window, open a window, answer a dialog, quit.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file loaded with node --require */
const Module = require('node:module');
const { EventEmitter } = require('node:events');

Object.defineProperty(process.versions, 'electron', { value: process.env.FAKE_ELECTRON_VERSION, enumerable: true });

const report = (type, data = {}) => process.send({ type, ...data });
const handlers = new Map();
const windows = [];
const appEvents = new EventEmitter();
const paths = { userData: process.env.FAKE_USER_DATA };
let dialogAnswer = 0;

const app = {
  isPackaged: false,
  getAppPath: () => process.env.FAKE_APP_PATH,
  getPath: (name) => paths[name],
  setPath: (name, value) => { paths[name] = value; },
  whenReady: () => Promise.resolve(),
  enableSandbox: () => report('sandbox'),
  on(event, cb) { appEvents.on(event, cb); return app; },
  quit() { report('quit'); setImmediate(() => process.exit(0)); },
  exit(code) { report('exit', { code }); setImmediate(() => process.exit(code)); },
  setBadgeCount: (count) => { report('badge', { count }); return true; },
};

class WebContents extends EventEmitter {
  constructor() { super(); this.mainFrame = { url: 'app://tend/index.html' }; this.openHandler = null; }
  setWindowOpenHandler(handler) { this.openHandler = handler; }
  send(channel, payload) { report('send', { channel, payload }); }
}

class BrowserWindow extends EventEmitter {
  static getAllWindows() { return windows; }
  constructor(options) {
    super();
    this.webContents = new WebContents();
    windows.push(this);
    report('window', { webPreferences: options.webPreferences });
  }
  loadURL(url) { report('loadURL', { url }); return Promise.resolve(); }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  show() {}
  focus() {}
  restore() {}
}

class Notification extends EventEmitter {
  static isSupported() { return true; }
  constructor(options) { super(); this.options = options; }
  show() { report('notification', { options: this.options }); }
  close() {}
}

const electron = {
  app,
  BrowserWindow,
  Notification,
  dialog: {
    async showMessageBox(...args) {
      const options = args.length === 2 ? args[1] : args[0];
      report('dialog', { message: options.message, buttons: options.buttons, defaultId: options.defaultId, cancelId: options.cancelId });
      return { response: dialogAnswer };
    },
    showErrorBox: (title, content) => report('errorBox', { title, content }),
  },
  shell: { openExternal: async (url) => report('openExternal', { url }) },
  ipcMain: { handle: (channel, fn) => handlers.set(channel, fn), removeHandler: (channel) => handlers.delete(channel) },
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => process.env.FAKE_SAFE_STORAGE_BACKEND,
    encryptString: (plain) => Buffer.from(`sealed:${plain}`),
    decryptString: (sealed) => sealed.toString().slice('sealed:'.length),
  },
  protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
  session: { defaultSession: { setPermissionRequestHandler: () => {} } },
  net: { fetch: () => Promise.reject(new Error('not in this test')) },
};

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'electron' ? electron : load.call(this, request, ...rest);
};

const event = () => ({ defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } });

process.on('message', async (m) => {
  if (m.do === 'answerDialog') { dialogAnswer = m.answer; report('done', { id: m.id }); return; }
  if (m.do === 'invoke') {
    const frame = { url: m.frameUrl };
    const sender = { mainFrame: m.mainFrame ? frame : { url: m.frameUrl } };
    const fn = handlers.get(m.channel);
    report('done', { id: m.id, value: fn ? await fn({ senderFrame: frame, sender }, m.req) : 'no handler' });
    return;
  }
  if (m.do === 'navigate') {
    const e = event();
    windows[0].webContents.emit('will-navigate', e, m.url);
    report('done', { id: m.id, value: { prevented: e.defaultPrevented } });
    return;
  }
  if (m.do === 'windowOpen') { report('done', { id: m.id, value: windows[0].webContents.openHandler({ url: m.url }) }); return; }
  if (m.do === 'quit') { appEvents.emit('before-quit', event()); report('done', { id: m.id }); }
});
