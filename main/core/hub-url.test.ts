import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalDesktopService } from './core';
import { allowInsecureHubFromEnv, checkHubUrl, isLoopbackHost } from './hub-url';
import { request } from './service';

describe('the hub URL', () => {
  it('is https, or plain http on this machine only', () => {
    for (const ok of ['https://hub.example.com', 'https://10.0.0.5:4100', 'http://127.0.0.1:4100', 'http://127.8.0.1', 'http://localhost:4100', 'http://[::1]:4100', 'http://tend.localhost']) {
      expect(checkHubUrl(ok), ok).toBe(ok);
    }
    for (const bad of ['http://hub.example.com', 'http://10.0.0.5:4100', 'http://192.168.1.20:4100', 'http://[::2]:4100', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example']) {
      expect(() => checkHubUrl(bad), bad).toThrow('The hub URL must use https://');
    }
    expect(() => checkHubUrl('ftp://hub.example.com')).toThrow('must start with https://');
    expect(() => checkHubUrl('https://me:pw@hub.example.com')).toThrow('user name or password');
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
  });

  it('allows plain http off the machine only with the explicit lab setting', () => {
    expect(checkHubUrl('http://10.0.0.5:4100', true)).toBe('http://10.0.0.5:4100');
    expect(allowInsecureHubFromEnv({ TEND_ALLOW_HTTP_HUB: '1' })).toBe(true);
    expect(allowInsecureHubFromEnv({ TEND_ALLOW_HTTP_HUB: 'yes' })).toBe(false);
    expect(allowInsecureHubFromEnv({})).toBe(false);
  });

  it('sign-in to a plain-http hub on the network is refused before the password leaves the machine', async () => {
    // A hub that records whether anything reached it; reached through a non-loopback name for it.
    let reached = 0;
    const server = createServer((_q, res) => { reached++; res.writeHead(500).end(); });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    const core = new LocalDesktopService({ dataDir: mkdtempSync(path.join(tmpdir(), 'tend-huburl-')), sync: { live: false } });
    try {
      await expect(request(core, 'session.login', { hub_url: `http://hub.lab.example:${port}`, email: 'ana@demo.tend', password: 'demo' }))
        .rejects.toMatchObject({ code: 'insecure_hub', message: expect.stringContaining('TEND_ALLOW_HTTP_HUB=1') });
      expect(core.status()).toMatchObject({ logged_in: false, hub_url: null });
      expect(reached).toBe(0);
    } finally {
      await core.close();
      server.close();
    }
  });
});
