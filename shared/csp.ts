/**
 * The one Content Security Policy of the app, sent with the page by both shells: Electron's
 * app:// handler (main/electron) and the web host (main/host). The page loads only its own files,
 * runs no inline or eval'd code, and talks only to its own origin: in Electron it reaches the core
 * over IPC and needs no network at all; in the web host, CSP Level 3 lets 'self' match the
 * same-origin WebSocket (ws://127.0.0.1:<port>/rpc), so no loopback wildcard is needed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
