import { describe, expect, it } from 'vitest';
import { appPathToFile, isAllowedSender, isOpenableExternally, secureWebPreferences } from './security';

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    const p = secureWebPreferences('/app/preload.cjs');
    expect(p).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('isAllowedSender', () => {
  it('accepts only the app origin in the main frame', () => {
    expect(isAllowedSender('app://tend/index.html', true)).toBe(true);
    expect(isAllowedSender('app://tend/index.html', false)).toBe(false);
    expect(isAllowedSender('https://evil.example/', true)).toBe(false);
    expect(isAllowedSender('app://other/index.html', true)).toBe(false);
    expect(isAllowedSender('file:///app/index.html', true)).toBe(false);
    expect(isAllowedSender(undefined, true)).toBe(false);
  });
});

describe('isOpenableExternally', () => {
  it('opens only http(s) links', () => {
    expect(isOpenableExternally('https://x.com/maria_k/status/1')).toBe(true);
    expect(isOpenableExternally('http://example.com')).toBe(true);
    expect(isOpenableExternally('file:///etc/passwd')).toBe(false);
    expect(isOpenableExternally('javascript:alert(1)')).toBe(false);
    expect(isOpenableExternally('smb://share/x')).toBe(false);
    expect(isOpenableExternally('https://user:pw@example.com')).toBe(false);
    expect(isOpenableExternally('not a url')).toBe(false);
  });
});

describe('appPathToFile', () => {
  it('maps app:// paths inside the renderer folder and refuses escapes', () => {
    expect(appPathToFile('app://tend/')).toBe('index.html');
    expect(appPathToFile('app://tend/assets/index-abc.js')).toBe('assets/index-abc.js');
    // dot segments are resolved by URL parsing and stay inside the folder
    expect(appPathToFile('app://tend/assets/%2e%2e/%2e%2e/secret')).toBe('secret');
    expect(appPathToFile('app://tend/a/%2E%2E%2F..%2F..%2Fsecret')).toBeNull();
    expect(appPathToFile('app://tend/..%5c..%5csecret')).toBeNull();
    expect(appPathToFile('app://other/index.html')).toBeNull();
  });
  it('refuses a malformed % escape instead of throwing', () => {
    expect(appPathToFile('app://tend/assets/%E0%A4%A.js')).toBeNull();
    expect(appPathToFile('app://tend/%')).toBeNull();
  });
});
